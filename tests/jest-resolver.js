// Lets jest load the ESM-only @actions packages: ask for their "import" export, then swc compiles them to CJS.
module.exports = (path, options) => {
  const esmOnly = /^(@actions\/|@octokit\/|hyparquet)/.test(path);
  return options.defaultResolver(path, {
    ...options,
    conditions: esmOnly ? ['import', 'node', 'default'] : options.conditions,
  });
};
