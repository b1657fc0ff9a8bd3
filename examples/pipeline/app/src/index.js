// The example application: what the build stage packages.
export function greet(name) {
  return `hello, ${String(name).slice(0, 64)}`;
}
