import { parseWeights } from '../../selection/weights';

describe('parseWeights', () => {
  it('reads the given weights, keeps the defaults for the others, and normalizes to a sum of 1', () => {
    expect(parseWeights('quality=0.5,latency=0.2,cost=0.3')).toEqual({ quality: 0.5, latency: 0.2, cost: 0.3 });
    expect(parseWeights('quality=2,latency=1,cost=1')).toEqual({ quality: 0.5, latency: 0.25, cost: 0.25 });
    const w = parseWeights('cost=0.5');
    expect(w.quality).toBeCloseTo(0.5 / 1.2, 12);
    expect(w.latency).toBeCloseTo(0.2 / 1.2, 12);
    expect(w.cost).toBeCloseTo(0.5 / 1.2, 12);
  });

  it('fails on an unknown name, a missing or negative value, and weights that sum to 0', () => {
    expect(() => parseWeights('speed=1')).toThrow(
      'bad weight "speed=1": expected NAME=NUMBER with NAME one of quality, latency, cost',
    );
    expect(() => parseWeights('quality=')).toThrow('bad weight "quality=": the value must be a number of 0 or more');
    expect(() => parseWeights('cost=-1')).toThrow('bad weight "cost=-1": the value must be a number of 0 or more');
    expect(() => parseWeights('quality=0,latency=0,cost=0')).toThrow(
      'the weights sum to 0: give at least one a positive value',
    );
  });
});
