/** Resolves mesh references of robot files: relative paths, `package://name/…` and `file://`. */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/**
 * Vets a file named inside a robot file (an MJCF `<include>`, a mesh) before it is read: a server lets
 * a robot file lead only to files its clients may open. Throws to refuse; `namedIn` is the file naming it.
 */
export type NestedFileCheck = (path: string, kind: 'robot' | 'mesh' | 'heightField', namedIn: string) => void;

/** `--package name=dir` roots; a package named here wins over a guess from the file's folders. */
export type PackageRoots = Record<string, string>;

export function resolveResource(reference: string, robotFile: string, packages: PackageRoots, baseDir?: string): string {
  if (reference.startsWith('package://')) {
    const rest = reference.slice('package://'.length);
    const slash = rest.indexOf('/');
    const pkg = slash < 0 ? rest : rest.slice(0, slash);
    const relative = slash < 0 ? '' : rest.slice(slash + 1);
    if (packages[pkg]) return join(packages[pkg], relative);
    // Without a root, look for a folder named after the package above the robot file.
    for (let dir = dirname(resolve(robotFile)); dir !== dirname(dir); dir = dirname(dir)) {
      const candidate = join(dir, pkg, relative);
      if (existsSync(candidate)) return candidate;
      if (dir.endsWith(`/${pkg}`)) return join(dir, relative);
    }
    return join(pkg, relative);
  }
  if (reference.startsWith('file://')) return reference.slice('file://'.length);
  if (isAbsolute(reference)) return reference;
  return join(baseDir ?? dirname(resolve(robotFile)), reference);
}

export function parsePackageOptions(pairs: string[]): PackageRoots {
  const roots: PackageRoots = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--package expects name=dir, got '${pair}'`);
    roots[pair.slice(0, eq)] = resolve(pair.slice(eq + 1));
  }
  return roots;
}

/** Package roots as one line ("name=dir,name=dir"): how `--package` options travel as a task parameter. */
export function packageList(roots: PackageRoots): string {
  return Object.entries(roots).map(([name, dir]) => `${name}=${dir}`).join(',');
}

export function parsePackageList(text: string): PackageRoots {
  return parsePackageOptions(text.split(',').map((s) => s.trim()).filter(Boolean));
}
