import { PipelineError } from '../../errors/PipelineError.js';
import { blankQuoted, stripSqlComments } from './stripSqlComments.js';

/**
 * The statement shims of sql/engines/spark/statements.sql (its header documents
 * the format): a DuckDB statement pattern with {placeholders} and the Spark
 * statement replacing a statement it matches.
 */
export interface StatementShim {
  name: string;
  pattern: string;
  replacement: string;
}

interface CompiledShim extends StatementShim {
  placeholders: string[];
  shortest: RegExp;
  longest: RegExp;
}

// an identifier, never a keyword that follows one in a pattern
const IDENTIFIER = String.raw`(?:(?!(?:WHERE|USING|FROM|SELECT|AS|ON|SET|IN|NOT|EXISTS)\b)[A-Za-z_][A-Za-z0-9_]*|"[^"]*")`;
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)(\.\.\.)?\}/g;
const PUNCTUATION = /^[(),.=]$/;

/** Parses the shim file: blocks `-- shim: name`, pattern, `-- becomes:`, replacement. */
export function parseStatementShims(text: string, file: string): StatementShim[] {
  const shims: StatementShim[] = [];
  let current: { name: string; pattern: string[]; replacement: string[]; inReplacement: boolean } | undefined;
  const finish = () => {
    if (!current) return;
    const pattern = current.pattern.join('\n').trim().replace(/;$/, '').trim();
    const replacement = current.replacement.join('\n').trim().replace(/;$/, '').trim();
    if (!current.inReplacement || !pattern || !replacement) {
      throw new PipelineError('INTERNAL', `${file}: shim ${current.name} needs a pattern, a "-- becomes:" line and a replacement`);
    }
    shims.push({ name: current.name, pattern, replacement });
  };
  for (const line of text.split('\n')) {
    const shim = /^--\s*shim:\s*(\S+)\s*$/.exec(line.trim());
    if (shim) {
      finish();
      if (shims.some((s) => s.name === shim[1])) throw new PipelineError('INTERNAL', `${file}: two shims named ${shim[1]}`);
      current = { name: shim[1]!, pattern: [], replacement: [], inReplacement: false };
    } else if (/^--\s*becomes:\s*$/.test(line.trim())) {
      if (!current || current.inReplacement) throw new PipelineError('INTERNAL', `${file}: "-- becomes:" outside a shim`);
      current.inReplacement = true;
    } else if (line.trim().startsWith('--') || line.trim() === '') {
      continue;
    } else {
      if (!current) throw new PipelineError('INTERNAL', `${file}: SQL before the first "-- shim:" line: ${line.trim()}`);
      (current.inReplacement ? current.replacement : current.pattern).push(line);
    }
  }
  finish();
  return shims;
}

/** The regex of a pattern; text placeholders lazy (shortest) or greedy (longest). */
function patternRegex(pattern: string, longest: boolean): { regex: RegExp; placeholders: string[] } {
  const placeholders: string[] = [];
  // tokens: placeholders, words, punctuation; blanks between them become \s+ or \s*
  const tokens = pattern.match(/\{[A-Za-z_][A-Za-z0-9_]*(?:\.\.\.)?\}|[A-Za-z_][A-Za-z0-9_]*|\d+|\S/g) ?? [];
  let source = '';
  let previous: string | undefined;
  for (const token of tokens) {
    if (previous !== undefined) {
      source += PUNCTUATION.test(previous) || PUNCTUATION.test(token) ? String.raw`\s*` : String.raw`\s+`;
    }
    const placeholder = /^\{([A-Za-z_][A-Za-z0-9_]*)(\.\.\.)?\}$/.exec(token);
    if (placeholder) {
      const name = placeholder[1]!;
      if (placeholders.includes(name)) {
        source += `\\k<${name}>`;
      } else {
        placeholders.push(name);
        source += `(?<${name}>${placeholder[2] ? (longest ? String.raw`[\s\S]+` : String.raw`[\s\S]+?`) : IDENTIFIER})`;
      }
    } else {
      source += token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
    previous = token;
  }
  return { regex: new RegExp(`^${source}$`, 'i'), placeholders };
}

/** Balanced parentheses and quotes: a text placeholder never ends inside a subexpression. */
function balanced(text: string): boolean {
  if (((text.match(/'/g) ?? []).length % 2) !== 0 || ((text.match(/"/g) ?? []).length % 2) !== 0) return false;
  let depth = 0;
  for (const c of blankQuoted(text)) {
    if (c === '(') depth++;
    else if (c === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

function compile(shim: StatementShim): CompiledShim {
  const { regex: shortest, placeholders } = patternRegex(shim.pattern, false);
  const { regex: longest } = patternRegex(shim.pattern, true);
  for (const m of shim.replacement.matchAll(PLACEHOLDER)) {
    if (!placeholders.includes(m[1]!)) {
      throw new PipelineError('INTERNAL', `sql/engines/spark/statements.sql: shim ${shim.name} uses {${m[1]}}, which its pattern does not capture`);
    }
  }
  return { ...shim, placeholders, shortest, longest };
}

function captures(regex: RegExp, statement: string): Record<string, string> | undefined {
  const m = regex.exec(statement);
  if (!m?.groups) return m ? {} : undefined;
  const groups = { ...m.groups } as Record<string, string>;
  return Object.values(groups).every(balanced) ? groups : undefined;
}

/** Applies the first (and only) matching shim of a list to statements. */
export class StatementShims {
  private readonly compiled: CompiledShim[];

  constructor(shims: StatementShim[]) {
    this.compiled = shims.map(compile);
  }

  get names(): string[] {
    return this.compiled.map((s) => s.name);
  }

  /**
   * The Spark text of one statement (comments removed, no trailing `;`) and
   * the shim applied, if any. `where` names the file and statement for errors.
   */
  apply(statement: string, where: string): { text: string; shim?: string } {
    const text = stripSqlComments(statement).replace(/;$/, '').trim();
    const matches: { shim: CompiledShim; groups: Record<string, string> }[] = [];
    for (const shim of this.compiled) {
      const shortest = captures(shim.shortest, text);
      const longest = captures(shim.longest, text);
      if (!shortest && !longest) continue;
      if (!shortest || !longest || JSON.stringify(shortest) !== JSON.stringify(longest)) {
        throw new PipelineError('INTERNAL', `${where}: shim ${shim.name} matches it in more than one way (ambiguous); rewrite the statement or the shim`);
      }
      matches.push({ shim, groups: shortest });
    }
    if (matches.length > 1) {
      throw new PipelineError('INTERNAL', `${where}: shims ${matches.map((m) => m.shim.name).join(' and ')} both match it (ambiguous)`);
    }
    const match = matches[0];
    if (!match) return { text };
    const out = match.shim.replacement.replace(PLACEHOLDER, (_, name: string) => match.groups[name]!.trim());
    return { text: out, shim: match.shim.name };
  }
}
