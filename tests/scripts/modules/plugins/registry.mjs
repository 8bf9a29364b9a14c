// import() here resolves against plugins/, whoever calls loadPlugin.
export function loadPlugin(name) {
  return import(`./${name}.mjs`);
}
export function pluginMeta() {
  return import.meta;
}
