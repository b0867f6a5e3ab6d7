/**
 * Redis's LFU counter (evict.c), kept in an entry's 24 clock bits while an LFU
 * maxmemory-policy is selected: 16 bits of minutes (the last decrement time) and an 8-bit
 * logarithmic access counter that starts at LFU_INIT_VAL so new keys are not evicted at once.
 */

export const LFU_INIT_VAL = 5;

/** LFUGetTimeInMinutes: minutes since the epoch, modulo 2^16. */
export function lfuMinutes(nowMs: number): number {
  return Math.floor(nowMs / 60000) & 65535;
}

/** The bits of a key created now. */
export function lfuInitial(nowMs: number): number {
  return (lfuMinutes(nowMs) << 8) | LFU_INIT_VAL;
}

/** LFUDecrAndReturn: the counter, less one per `decayTime` minutes since its last decrement. */
export function lfuDecayed(bits: number, nowMs: number, decayTime: number): number {
  const ldt = bits >>> 8;
  const counter = bits & 255;
  const now = lfuMinutes(nowMs);
  const elapsed = now >= ldt ? now - ldt : 65535 - ldt + now;
  const periods = decayTime > 0 ? Math.floor(elapsed / decayTime) : 0;
  if (periods === 0) return counter;
  return periods > counter ? 0 : counter - periods;
}

/** updateLFU: decay, then LFULogIncr (the more hits a key has, the less likely one counts). */
export function lfuTouched(bits: number, nowMs: number, decayTime: number, logFactor: number): number {
  let counter = lfuDecayed(bits, nowMs, decayTime);
  if (counter < 255) {
    const base = counter > LFU_INIT_VAL ? counter - LFU_INIT_VAL : 0;
    if (Math.random() < 1 / (base * logFactor + 1)) counter++;
  }
  return (lfuMinutes(nowMs) << 8) | counter;
}
