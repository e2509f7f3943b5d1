import { countPredictions, countRequestRows, decodeAnswer } from '../../../shared/src/smoke/predictions';

describe('countRequestRows', () => {
  it.each([
    [
      'split orient input_data',
      {
        input_data: {
          columns: ['a', 'b'],
          index: [0, 1, 2],
          data: [
            [1, 2],
            [3, 4],
            [5, 6],
          ],
        },
      },
      3,
      '$.input_data.data',
    ],
    [
      'input_data as a list of rows',
      {
        input_data: [
          [1, 2],
          [3, 4],
        ],
      },
      2,
      '$.input_data',
    ],
    ['input_data as records', { input_data: [{ a: 1 }, { a: 2 }] }, 2, '$.input_data'],
    [
      'input_data as a column dict',
      { input_data: { a: [1, 2, 3, 4], b: [5, 6, 7, 8] } },
      4,
      '$.input_data (columns)',
    ],
    [
      'input_data in pandas dict orient',
      { input_data: { a: { 0: 1, 1: 2 }, b: { 0: 3, 1: 4 } } },
      2,
      '$.input_data (columns)',
    ],
    ['data rows', { data: [[1, 2, 3, 4]] }, 1, '$.data'],
    ['inputs rows', { inputs: [[1], [2]] }, 2, '$.inputs'],
    ['inputs as named tensors', { inputs: { x: [[1], [2], [3]] } }, 3, '$.inputs (columns)'],
    ['instances', { instances: [{ a: 1 }, { a: 2 }, { a: 3 }] }, 3, '$.instances'],
    [
      'MLflow dataframe_split',
      { dataframe_split: { columns: ['a'], data: [[1], [2]] } },
      2,
      '$.dataframe_split.data',
    ],
    ['MLflow dataframe_records', { dataframe_records: [{ a: 1 }] }, 1, '$.dataframe_records'],
    [
      'a top-level list of rows',
      [
        [1, 2],
        [3, 4],
      ],
      2,
      '$',
    ],
    ['an empty list of rows', { data: [] }, 0, '$.data'],
  ])('%s', (_label, request, rows, where) => {
    expect(countRequestRows(request)).toEqual({ rows, where });
  });

  it.each([
    ['a flat feature vector (ambiguous)', { data: [1, 2, 3] }],
    ['columns of different lengths', { input_data: { a: [1, 2], b: [1] } }],
    ['no known key', { features: [[1, 2]] }],
    ['a scalar', 42],
    ['null', null],
    ['a string', 'rows'],
  ])('does not count %s', (_label, request) => {
    expect(countRequestRows(request)).toBeUndefined();
  });

  it('uses the first key that can be counted', () => {
    expect(countRequestRows({ input_data: 'x', data: [[1], [2]] })).toEqual({ rows: 2, where: '$.data' });
  });
});

describe('countPredictions', () => {
  it.each([
    [[0, 1, 1], 3, '$'],
    [{ predictions: [0, 1] }, 2, '$.predictions'],
    [{ result: [1] }, 1, '$.result'],
    [{ results: [] }, 0, '$.results'],
    [{ outputs: [[0.1, 0.9]] }, 1, '$.outputs'],
    [{ output: [1, 2, 3, 4] }, 4, '$.output'],
    [{ model: 'x', predictions: [1] }, 1, '$.predictions'],
  ])('counts %j', (answer, rows, where) => {
    expect(countPredictions(answer)).toEqual({ rows, where });
  });

  it.each([[{ prediction: 1 }], [1], ['[1]'], [null], [{ outputs: { y: [1] } }]])(
    'finds no list in %j',
    (answer) => {
      expect(countPredictions(answer)).toBeUndefined();
    },
  );
});

describe('decodeAnswer', () => {
  it.each([
    ['[0, 1]', [0, 1], false],
    ['{"predictions": [1]}', { predictions: [1] }, false],
    ['"[0, 1]"', [0, 1], true],
    ['"{\\"result\\": [1]}"', { result: [1] }, true],
    ['"rain"', 'rain', false],
    ['"[not json"', '[not json', false],
    ['"\\"[1]\\""', '"[1]"', false],
    ['null', null, false],
  ])('%s', (body, value, doubleEncoded) => {
    expect(decodeAnswer(body)).toEqual({ ok: true, value, doubleEncoded });
  });

  it('reports a body that is not JSON', () => {
    const decoded = decodeAnswer('<html>Bad gateway</html>');
    expect(decoded.ok).toBe(false);
  });
});
