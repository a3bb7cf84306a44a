/**
 * MJCF default classes: a tree of classes, each holding attribute defaults per element tag.
 * An element's attributes resolve as: its own, then its class (or the enclosing childclass), then
 * that class's ancestors, up to the top-level "main" class.
 */
import { childElements, type XmlElement } from './xml-document.ts';

interface DefaultClass {
  parent: DefaultClass | undefined;
  /** tag → attribute → value */
  attributes: Map<string, Map<string, string>>;
}

export class MjcfDefaults {
  private readonly classes = new Map<string, DefaultClass>();

  constructor(root: XmlElement) {
    const main: DefaultClass = { parent: undefined, attributes: new Map() };
    this.classes.set('main', main);
    for (const d of childElements(root, 'default')) this.read(d, main, true);
  }

  has(name: string): boolean {
    return this.classes.has(name);
  }

  private read(element: XmlElement, parent: DefaultClass, topLevel: boolean): void {
    const name = element.getAttribute('class');
    // A top-level <default> without a class is "main" itself.
    const cls: DefaultClass = topLevel && !name ? parent : { parent, attributes: new Map() };
    if (name && cls !== parent) this.classes.set(name, cls);
    for (const child of childElements(element)) {
      if (child.nodeName === 'default') {
        this.read(child, cls, false);
        continue;
      }
      const map = cls.attributes.get(child.nodeName) ?? new Map<string, string>();
      for (let i = 0; i < child.attributes.length; i++) {
        const a = child.attributes.item(i)!;
        map.set(a.name, a.value);
      }
      cls.attributes.set(child.nodeName, map);
    }
  }

  /** The attribute's value for `element` (tag `tag`) under class `className`. */
  get(element: XmlElement, tag: string, attribute: string, className: string): string | undefined {
    const own = element.getAttribute(attribute);
    if (own !== null) return own;
    for (let cls = this.classes.get(element.getAttribute('class') ?? className); cls; cls = cls.parent) {
      const value = cls.attributes.get(tag)?.get(attribute);
      if (value !== undefined) return value;
    }
    return undefined;
  }
}
