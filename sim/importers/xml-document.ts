/**
 * Strict XML parsing with line numbers, so import errors can name the file, element and line.
 * Malformed XML (truncated files, bad nesting) is an error, never a silently partial robot.
 */
import { DOMParser, type Element } from '@xmldom/xmldom';
import { RobotFileError } from '../robot/robot-model.ts';

export type XmlElement = Element;

export function parseXml(text: string, file: string): XmlElement {
  let problem: { message: string; line?: number } | undefined;
  let root: XmlElement | null = null;
  const lineAt = (context: unknown) => (context as { locator?: { lineNumber?: number } } | undefined)?.locator?.lineNumber;
  try {
    const doc = new DOMParser({
      onError: (level, message, context) => {
        if (level !== 'warning') problem ??= { message, line: lineAt(context) };
      },
    }).parseFromString(text, 'text/xml');
    root = doc.documentElement;
  } catch (err) {
    // xmldom also throws for fatal errors, with the same locator.
    problem ??= { message: (err as Error).message, line: lineAt(err) };
  }
  if (problem || !root) {
    throw new RobotFileError(file, problem?.line, `malformed XML: ${withoutQuotedText(problem?.message ?? 'no root element')}`);
  }
  return root;
}

/**
 * The parser's explanation without the text it quotes from the file (`tag mismatch: "a" != "b"`,
 * `content outside root element: 'API_KEY=…'`): a file that is not XML at all may hold secrets.
 */
function withoutQuotedText(message: string): string {
  const first = message.split('\n')[0]!;
  const colon = first.indexOf(':');
  return (colon > 0 ? first.slice(0, colon) : first).replace(/(["'`]).*?\1/g, '…').trim();
}

export function lineOf(element: XmlElement): number | undefined {
  return (element as unknown as { lineNumber?: number }).lineNumber;
}

export function childElements(element: XmlElement, name?: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (let n = element.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1 && (!name || n.nodeName === name)) out.push(n as XmlElement);
  }
  return out;
}

export function numbers(text: string | null | undefined): number[] | undefined {
  if (text === null || text === undefined || text.trim() === '') return undefined;
  return text.trim().split(/\s+/).map(Number);
}
