import { InputError } from '../../../shared/src/step/errors';
import {
  applySplit,
  defaultShare,
  describeTraffic,
  everyDeployment,
  giveShare,
  mirrorAfter,
  onlyExisting,
  parseTraffic,
  sameTraffic,
  trafficJson,
} from '../../../shared/src/steps/deploy/traffic';

describe('parseTraffic (the set-traffic input)', () => {
  it.each([
    ['blue=0,green=100', { blue: 0, green: 100 }],
    ['blue=25, green=75', { blue: 25, green: 75 }],
    ['blue=40\ngreen=60', { blue: 40, green: 60 }],
    ['green-42=100', { 'green-42': 100 }],
    ['blue:30 green:70%', { blue: 30, green: 70 }],
  ])('reads %j', (text, expected) => {
    expect(parseTraffic(text, 'traffic')).toEqual(expected);
  });

  it.each([
    ['blue=50,green=40', 'the shares sum to 90, not 100 (blue 50 %, green 40 %)'],
    ['blue=50,blue=50', "'blue' is given twice"],
    ['blue=half,green=100', "the share of 'blue' must be a whole number from 0 to 100, got 'half'"],
    ['blue=101', "the share of 'blue' must be a whole number from 0 to 100, got '101'"],
    ['blue=-5,green=105', "the share of 'blue' must be a whole number from 0 to 100, got '-5'"],
    ['blue', "'blue' is not name=percent"],
    ['1blue=100', "'1blue' is not a deployment name"],
    [' , ', 'it names no deployment'],
  ])('refuses %j, naming the input', (text, problem) => {
    let error: unknown;
    try {
      parseTraffic(text, 'traffic');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('traffic');
    expect((error as InputError).message).toMatch(/^Input 'traffic' must look like 'blue=0,green=100'/);
    expect((error as InputError).message).toContain(problem);
  });
});

describe('giveShare: the others share the rest in their current proportions', () => {
  it.each([
    // current, deployment, percent, expected
    [{}, 'blue', 100, { blue: 100 }],
    [{}, 'blue', 0, { blue: 0 }],
    [{ blue: 100 }, 'green', 0, { blue: 100, green: 0 }],
    [{ blue: 100 }, 'green', 10, { blue: 90, green: 10 }],
    [{ blue: 100 }, 'green', 100, { blue: 0, green: 100 }],
    [{ blue: 80, green: 20 }, 'red', 10, { blue: 72, green: 18, red: 10 }],
    [{ blue: 50, green: 50 }, 'red', 33, { blue: 34, green: 33, red: 33 }],
    [{ a: 34, b: 33, c: 33 }, 'd', 50, { a: 17, b: 17, c: 16, d: 50 }],
    [{ blue: 60, green: 40 }, 'green', 10, { blue: 90, green: 10 }],
    [{ blue: 0, green: 100 }, 'blue', 0, { blue: 0, green: 100 }],
    [{ blue: 70, green: 30, old: 0 }, 'green', 50, { blue: 50, green: 50, old: 0 }],
  ])('%j + %s at %i %% → %j', (current, deployment, percent, expected) => {
    const plan = giveShare(current, deployment, percent);
    expect(plan).toEqual({ traffic: expected });
    if ('traffic' in plan) {
      const total = Object.values(plan.traffic).reduce((a, b) => a + b, 0);
      expect([0, 100]).toContain(total);
    }
  });

  it('cannot share the rest when nobody else has traffic', () => {
    expect(giveShare({}, 'blue', 40)).toEqual({
      problem: "'blue' is the endpoint's only deployment: it can get 100 % or 0 %, not 40 %",
    });
    expect(giveShare({ blue: 0 }, 'green', 40)).toEqual({
      problem:
        "the other deployments (blue) have no traffic to share the remaining 60 % in proportion: give 'green' 100 % or 0 %, or set the split with action set-traffic",
    });
  });
});

describe('defaultShare (no trafficPercent given)', () => {
  it('gives the first deployment everything, keeps an existing one, and a new one next to live ones nothing', () => {
    expect(defaultShare({}, 'blue')).toBe(100);
    expect(defaultShare({ blue: 100 }, 'blue')).toBe(100);
    expect(defaultShare({ blue: 100 }, 'green')).toBe(0);
    expect(defaultShare({ blue: 70, green: 30 }, 'green')).toBe(30);
    expect(defaultShare({ blue: 0 }, 'green')).toBe(100);
  });
});

describe('applySplit (set-traffic)', () => {
  it('sets the named shares and gives every other deployment 0, saying which lost traffic', () => {
    expect(
      applySplit({ blue: 50, green: 50, red: 0 }, ['blue', 'green', 'red'], { blue: 0, Red: 100 }),
    ).toEqual({
      traffic: { blue: 0, green: 0, red: 100 },
      zeroed: ['green'],
    });
  });
});

describe('mirrorAfter', () => {
  it('sets, keeps and removes mirrored shares', () => {
    expect(mirrorAfter({}, 'green', 10, { blue: 100, green: 0 })).toEqual({ traffic: { green: 10 } });
    expect(mirrorAfter({ green: 10 }, 'green', undefined, { blue: 100, green: 0 })).toEqual({
      traffic: { green: 10 },
    });
    expect(mirrorAfter({ green: 10 }, 'green', 0, { blue: 100, green: 0 })).toEqual({ traffic: {} });
    // A deployment that gets live traffic stops being mirrored.
    expect(mirrorAfter({ green: 10 }, 'green', undefined, { blue: 0, green: 100 })).toEqual({ traffic: {} });
  });

  it('refuses live and mirrored traffic at once, and more than 50 % mirrored', () => {
    expect(mirrorAfter({}, 'green', 10, { green: 20, blue: 80 })).toEqual({
      problem:
        "'green' cannot get live traffic (20 %) and mirrored traffic (10 %) at once: give it trafficPercent 0 to mirror traffic to it",
    });
    expect(mirrorAfter({ red: 30 }, 'green', 30, { blue: 100 })).toEqual({
      problem: 'mirrored traffic would sum to 60 % (red 30 %, green 30 %): at most 50 % can be mirrored',
    });
  });
});

describe('comparing and showing splits', () => {
  it('counts a missing deployment as 0, sorts JSON by name, keeps only existing deployments', () => {
    expect(sameTraffic({ blue: 0, green: 100 }, { green: 100 })).toBe(true);
    expect(sameTraffic({ blue: 10, green: 90 }, { green: 100 })).toBe(false);
    expect(trafficJson({ green: 100, blue: 0 })).toBe('{"blue":0,"green":100}');
    expect(describeTraffic({})).toBe('none');
    expect(describeTraffic({ blue: 90, green: 10 })).toBe('blue 90 %, green 10 %');
    expect(onlyExisting({ blue: 0, gone: 0, green: 100 }, ['green', 'blue'])).toEqual({
      blue: 0,
      green: 100,
    });
  });
});

describe('everyDeployment (the traffic outputs)', () => {
  it('lists every deployment that exists, 0 for those the endpoint does not list', () => {
    expect(everyDeployment({ blue: 100, gone: 0 }, ['green', 'blue'])).toEqual({ blue: 100, green: 0 });
  });
});
