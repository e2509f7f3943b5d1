/** The parts of a step manifest that tests of input reading do not look at. */
export const exampleStep = {
  id: 'example',
  taskName: 'Example',
  taskId: '00000000-0000-4000-8000-000000000000',
  friendlyName: 'Example',
  description: 'Example',
  category: 'Test',
  instanceNameFormat: 'Example',
  branding: { icon: 'box', color: 'gray-dark' },
  groups: [],
  outputs: [],
} as const;
