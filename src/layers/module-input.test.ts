/**
 * Module.loadStateDict refuses what is not a state dict with a message naming the module,
 * instead of V8's "Cannot convert undefined or null to object".
 */
import { describe, expect, test } from 'vitest';
import { Linear } from './linear.js';

describe('loadStateDict input checks', () => {
  test('null, undefined, numbers, arrays and bad options are refused by name', () => {
    const layer = new Linear(2, 3);
    expect(() => layer.loadStateDict(null as never)).toThrow(new TypeError('Linear.loadStateDict: expected a state dict (a record or Map of name → Tensor), got null'));
    expect(() => layer.loadStateDict(undefined as never)).toThrow(/Linear.loadStateDict: expected a state dict .*got undefined/);
    expect(() => layer.loadStateDict(42 as never)).toThrow(/got number/);
    expect(() => layer.loadStateDict([] as never)).toThrow(/got an array/);
    expect(() => layer.loadStateDict(layer.stateDict(), null as never)).toThrow(/Linear.loadStateDict: options must be an object, got null/);
    expect(layer.loadStateDict(new Map(Object.entries(layer.stateDict()))).missingKeys).toEqual([]);
  });
});
