/**
 * notify-keyspace-events through CONFIG SET and CONFIG GET against real Redis: every class
 * letter, the canonical form Redis prints back, and the error for a letter that names no class.
 */

import { describe } from 'node:test';
import { defineScenarios, useBed, type Scenario, type Step } from './bed.js';

const VALUES = ['', 'K', 'E', 'KE', 'A', 'KEA', 'AKE', 'g$lshzxetd', 'Kg$lshzxetdnm', 'nEzgK', 'mx$', 'Em', 'KEAnm', 'AA', 'lll', 'd', 't'];
const BAD = ['a', 'KEA ', 'q', 'G', 'KE!', 'A,K'];

const steps: Step[] = [];
for (const v of VALUES) steps.push(['CONFIG', 'SET', 'notify-keyspace-events', v], ['CONFIG', 'GET', 'notify-keyspace-events']);
for (const v of BAD) steps.push(['CONFIG', 'SET', 'notify-keyspace-events', v], ['CONFIG', 'GET', 'notify-keyspace-events']);

const scenarios: Scenario[] = [
  {
    name: 'CONFIG SET and GET notify-keyspace-events',
    steps,
    cleanup: [['CONFIG', 'SET', 'notify-keyspace-events', '']],
  },
];

describe('notify-keyspace-events configuration', () => {
  const bed = useBed();
  defineScenarios(bed, scenarios);
});
