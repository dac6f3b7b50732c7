import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShellSession, type ShellIO } from '../pipeline/shell/ShellSession.js';
import { renderTable } from '../pipeline/shell/renderTable.js';
import { shortestFloat32 } from '../pipeline/shell/shortestFloat32.js';
import { splitStatements } from '../pipeline/shell/splitStatements.js';
import { startShell } from '../pipeline/shell/startShell.js';
import { withWarehouse, type Warehouse } from '../pipeline/warehouse/Warehouse.js';
import { CLI, ROOT, cli, makeWorkspace, type Workspace } from './support/fixtures.js';
import { pgUrl } from './support/postgres.js';

const ORDERS = 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total';

let ws: Workspace;
let W: string[];

/** The CLI's sql command with `input` on stdin (a pipe: the script path). */
function sqlWithStdin(input: string, args: string[] = []) {
  const r = spawnSync(process.execPath, [CLI, 'sql', ...W, ...args], {
    cwd: ws.root, input, encoding: 'utf8', env: { ...process.env, PIPELINE_EXPORT: '0', DATABASE_URL: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The CLI's sql command without blocking the test worker (a chain of
 * spawnSync calls on a busy machine starves vitest's own messages); `input`
 * on stdin (a pipe: the script path).
 */
function sqlAsync(args: string[], input = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, 'sql', ...args], { cwd: ROOT, env: { ...process.env, PIPELINE_EXPORT: '0', DATABASE_URL: '' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(input);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** A shell session on the test warehouse, its output collected. */
function session(settings = {}, io: Partial<ShellIO> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const s = new ShellSession(
    {
      withWarehouse: <T>(work: (w: Warehouse) => Promise<T>) => withWarehouse({ path: ws.warehousePath, readOnly: true }, work),
      out: (t) => out.push(t),
      err: (t) => err.push(t),
      width: () => undefined,
      color: false,
      ...io,
    },
    settings,
  );
  return { s, out, err };
}

/**
 * `pipeline sql ARGS` on a real pseudo-terminal (util-linux `script`), HOME
 * in the workspace. Each key is typed only once the shell shows what the test
 * waits for: input written before readline switched the terminal to raw mode
 * could be lost (a flaky hang), and a Ctrl-C then would be a signal, not a key.
 */
function ptyShell(args: string[]) {
  const command = [process.execPath, CLI, 'sql', ...args].map((a) => JSON.stringify(a)).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    cwd: ROOT, env: { ...process.env, HOME: ws.root, PIPELINE_EXPORT: '0', DATABASE_URL: '' },
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const count = (text: string) => out.split(text).length - 1;
  const waitFor = async (what: string, seen: () => boolean) => {
    const end = Date.now() + 30_000;
    while (!seen()) {
      if (Date.now() > end || child.exitCode !== null) throw new Error(`no ${what}; output so far:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return {
    exited,
    output: () => out,
    type: (keys: string) => child.stdin.write(keys),
    waitFor,
    /** The n-th `sql> ` prompt (a new statement) has shown. */
    prompt: (n: number) => waitFor(`prompt #${n}`, () => count('sql> ') >= n),
    /** The n-th `...> ` prompt (a statement still open) has shown. */
    continuation: (n: number) => waitFor(`continuation prompt #${n}`, () => count('...> ') >= n),
    kill: () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** A copy of the test warehouse (data file, WAL) for statements that write. */
function warehouseCopy(name: string): string {
  const dir = path.join(ws.root, name);
  fs.cpSync(path.dirname(ws.warehousePath), dir, { recursive: true });
  return path.join(dir, path.basename(ws.warehousePath));
}

beforeAll(async () => {
  ws = makeWorkspace('shell');
  ws.write('Orders/o.csv', `${ORDERS}\n1,1,2024-03-01 10:00:00,A,1,378.63\n2,1,2024-03-02 10:00:00,B,2,10\n3,2,2024-03-02 10:00:00,B,2,5\n`);
  ws.write('Deliveries/d.csv', 'Order ID,Distance(m)\n1,5\n2,7\n3,9\n');
  ws.write('Customers/c.json', '[{"Customer ID": 1}, {"Customer ID": 2}]');
  await ws.run();
  W = ['--warehouse', ws.warehousePath];
});
afterAll(() => ws?.cleanup());

describe('values print as DuckDB prints them', () => {
  it('a FLOAT prints its shortest float32 digits: 378.63 stays 378.63 (not 378.6300048828125)', () => {
    expect(shortestFloat32(Math.fround(378.63))).toBe('378.63');
    expect(shortestFloat32(Math.fround(0.1))).toBe('0.1');
    expect(shortestFloat32(Math.fround(16777217))).toBe('16777216');
    const q = 'select Highest_Order_Amount from ecommerce where Customer_ID = 1';
    const table = cli(['sql', q, ...W]);
    expect(table.stdout).toContain('378.63 │');
    expect(table.stdout).not.toContain('378.6300048828125');
    expect(cli(['sql', q, '--format', 'csv', ...W]).stdout.trim()).toBe('Highest_Order_Amount\n378.63');
    expect(JSON.parse(cli(['sql', q, '--format', 'json', ...W]).stdout)).toEqual([{ Highest_Order_Amount: 378.63 }]);
  });

  it('numbers are right-aligned and NULL prints differently from the string NULL', () => {
    const r = cli(['sql', `select 7 as n, 'x' as s union all select 1234, null union all select null, 'NULL'`, ...W]);
    expect(r.stdout).toContain('│    7 │ x      │');
    expect(r.stdout).toContain('│ 1234 │ NULL   │');
    expect(r.stdout).toContain(`│ NULL │ 'NULL' │`);
  });

  it('a wide result on a narrow terminal hides columns with a note; without a width (pipes) every column prints', () => {
    const columns = Array.from({ length: 12 }, (_, i) => `column_${i}`);
    const input = { columns, types: columns.map(() => 'INTEGER'), rows: [columns.map((_, i) => String(i))], totalRows: 1 };
    const narrow = renderTable({ ...input, width: 60 });
    for (const line of narrow.split('\n')) expect([...line].length).toBeLessThanOrEqual(60);
    expect(narrow).toContain('column_0');
    expect(narrow).toContain('column_11');
    expect(narrow).toMatch(/1 row, \d+ columns hidden: column_/);
    expect(narrow).toContain('│ … │');
    const wide = renderTable(input);
    for (const c of columns) expect(wide).toContain(c);
    expect(wide).not.toContain('hidden');
    // The CLI in a pipe: all 13 columns of ecommerce.
    expect(cli(['sql', 'from ecommerce', ...W]).stdout).toContain('│ end_timestamp');
  });

  it('a long result shows 40 rows and "… N more rows"; .maxrows and --max-rows change it, csv never truncates', () => {
    const r = cli(['sql', 'select range as i from range(100)', ...W]);
    expect(r.stdout).toContain('│ 39 │');
    expect(r.stdout).not.toContain('│ 40 │');
    expect(r.stdout).toContain('… 60 more rows');
    expect(r.stdout).toContain('100 rows (40 shown)');
    expect(cli(['sql', 'select range as i from range(100)', '--max-rows', '0', ...W]).stdout).toContain('│ 99 │');
    expect(cli(['sql', 'select range as i from range(100)', '--format', 'csv', ...W]).stdout.trim().split('\n')).toHaveLength(101);
    expect(sqlWithStdin('.maxrows 3\nselect range as i from range(10);\n').stdout).toContain('… 7 more rows');
  });

  it('--max-rows 0 prints all of a 200,000-row result (no stack overflow measuring the columns)', async () => {
    const r = await sqlAsync([`select range as i, 'sku-' || range as sku from range(200000)`, '--max-rows', '0', ...W]);
    expect(r.code, r.stderr.slice(0, 500)).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(200_000 + 5); // top rule, header, rule, rows, bottom rule, footer
    expect(lines.at(-3)).toBe('│ 199999 │ sku-199999 │');
    expect(lines.at(-1)).toBe('200000 rows');
  });
});

describe('control characters from the data never reach the terminal raw', () => {
  const OSC = '\x1b]0;pwned\x07'; // retitles the terminal
  const EVIL = `select 'Jo' || chr(27) || ']0;pwned' || chr(7) || chr(155) || '2J' as "name${OSC}", chr(127) || 'x' as plain`;
  const raw = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

  it('table, markdown and line modes print them as \\x1b escapes, in cells and column names', async () => {
    for (const format of ['table', 'markdown', 'line']) {
      const r = await sqlAsync([EVIL, '--format', format, ...W]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout, format).not.toMatch(raw);
      expect(r.stdout).toContain('Jo\\x1b]0;pwned\\x07\\x9b2J');
      expect(r.stdout).toContain('name\\x1b]0;pwned\\x07');
      expect(r.stdout).toContain('\\x7fx');
    }
  });

  it('error messages are escaped; json escapes them the JSON way and reads back the same value', async () => {
    const bad = await sqlAsync([`select error('bad' || chr(27) || '[2J' || chr(155))`, ...W]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).not.toMatch(raw);
    expect(bad.stderr).toContain('bad\\x1b[2J\\x9b');
    const json = await sqlAsync([EVIL, '--format', 'json', ...W]);
    expect(json.stdout).not.toMatch(raw);
    expect(JSON.parse(json.stdout)).toEqual([{ [`name${OSC}`]: 'Jo\x1b]0;pwned\x07\x9b2J', plain: '\x7fx' }]);
  });

  it('csv keeps the bytes exact in a pipe or file and escapes them on a terminal; .schema likewise; .tables escapes; Tab does not offer such names', async () => {
    expect((await sqlAsync([EVIL, '--format', 'csv', ...W])).stdout).toContain('Jo\x1b]0;pwned\x07\x9b2J');
    const { s, out, err } = session({ mode: 'csv' }, { terminal: true });
    await s.feedLine(`${EVIL};`);
    expect(err).toEqual([]);
    expect(out.join('\n')).not.toMatch(raw);
    expect(out.join('\n')).toContain('Jo\\x1b]0;pwned\\x07\\x9b2J');
    await s.feedLine(`select 1 as "x${OSC}" from ecommerce where false;`);
    expect(out.at(-1)).toBe('x\\x1b]0;pwned\\x07');
    // .schema: a table whose name holds the sequence.
    const copy = warehouseCopy('schema-warehouse');
    const writable = <T>(work: (w: Warehouse) => Promise<T>) => withWarehouse({ path: copy }, work);
    await writable((w) => w.run(`create table "t${OSC}" (i integer)`));
    const screen = session({}, { withWarehouse: writable, terminal: true });
    await screen.s.feedLine(`.schema t${OSC}`);
    expect(screen.err).toEqual([]);
    expect(screen.out.join('\n')).toContain('CREATE TABLE "t\\x1b]0;pwned\\x07"(i INTEGER);');
    expect(screen.out.join('\n')).not.toMatch(raw);
    await screen.s.feedLine('.tables');
    expect(screen.out.at(-1)).toMatch(/ {2}t\\x1b\]0;pwned\\x07 +table/);
    // Tab: readline prints candidates raw, so a name holding control characters is not offered.
    const input = new PassThrough();
    const output = new PassThrough();
    let seen = '';
    output.on('data', (d: Buffer) => (seen += d.toString()));
    const done = startShell(screen.s, { input, output, terminal: true, historyFile: path.join(ws.root, 'history-tab') });
    input.write('select * from "t');
    // readline lists the candidates at the second Tab in a row; Tab until it does.
    await expect.poll(() => (input.write('\t'), seen), { timeout: 20_000, interval: 500 }).toContain('"tables"');
    input.write('\x03.exit\r');
    await done;
    expect(seen).not.toContain(OSC);
  });

  it('a file name holding an OSC sequence prints escaped (pipeline_files in the shell, also on a pseudo-terminal)', async () => {
    const evil = makeWorkspace('shell-evil');
    try {
      evil.write(`Orders/o${OSC}.csv`, `${ORDERS}\n1,1,2024-03-01 10:00:00,A,1,5\n`);
      evil.write('Deliveries/d.csv', 'Order ID,Distance(m)\n1,5\n');
      evil.write('Customers/c.json', '[{"Customer ID": 1}]');
      await evil.run();
      const piped = await sqlAsync([`select path from pipeline_files where path like '%pwned%'`, '--warehouse', evil.warehousePath]);
      expect(piped.stdout).toContain('\\x1b]0;pwned\\x07.csv');
      expect(piped.stdout).not.toMatch(raw);
      const shell = ptyShell(['--warehouse', evil.warehousePath]);
      try {
        await shell.prompt(1);
        shell.type('.mode csv\r');
        await shell.prompt(2);
        shell.type(`select path from pipeline_files where path like '%pwned%';\r`);
        await shell.waitFor('the path', () => shell.output().includes('pwned\\x07.csv'));
        await shell.prompt(3);
        shell.type('.exit\r');
        expect(await shell.exited).toBe(0);
        expect(shell.output()).not.toContain(OSC);
      } finally {
        shell.kill();
      }
    } finally {
      evil.cleanup();
    }
  });
});

describe('dot commands', () => {
  it('.tables groups the tables (result, keyed state, raw, bookkeeping) with one line on each', async () => {
    const r = await sqlAsync(W, '.tables\n');
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout;
    expect(out.indexOf('result:')).toBeLessThan(out.indexOf('keyed state'));
    expect(out.indexOf('keyed state')).toBeLessThan(out.indexOf('raw ('));
    expect(out.indexOf('raw (')).toBeLessThan(out.indexOf('pipeline bookkeeping:'));
    expect(out).toMatch(/ecommerce +the result: one row per \(Customer_ID, window\)/);
    expect(out).toMatch(/pipeline_rejects +every rejected row/);
    expect(out).toMatch(/current_orders +view: the whole current record/);
    expect(out).toMatch(/pipeline_withdrawn_rows +rows of withdrawn \(superseded or retracted\) file versions/);
    // Every table and view of the warehouse says what it holds, not just "table" or "view".
    expect(out.split('\n').filter((l) => /^ {2}\S+ +(table|view)$/.test(l))).toEqual([]);
  });

  it('.mode line puts a blank line between records, also between the records of consecutive statements', async () => {
    const r = await sqlAsync(W, '.mode line\nselect 1 as a, 22 as bb union all select 2, 33 order by a;\nselect 3 as a;\nselect 4 as a;\n');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(' a = 1\nbb = 22\n\n a = 2\nbb = 33\n\na = 3\n\na = 4\n');
  });

  it('.schema, .mode (csv, json, markdown, line), .timer; an unknown command gets a one-line hint and exit 1', () => {
    const r = sqlWithStdin(
      ['.schema pipeline_runs', '.mode csv', 'select 1 as a, 2 as b;', '.mode markdown', 'select 1 as a;', '.mode line', 'select 1 as a, 22 as bb;',
        '.mode json', 'select 1 as a;', '.timer on', '.mode table', 'select 1;', '.frobnicate'].join('\n'),
    );
    expect(r.stdout).toMatch(/CREATE TABLE pipeline_runs\(run_id BIGINT NOT NULL/);
    expect(r.stdout).toContain('a,b\n1,2\n');
    expect(r.stdout).toContain('| a |\n|---:|\n| 1 |');
    expect(r.stdout).toContain(' a = 1\nbb = 22');
    expect(r.stdout).toContain('"a": 1');
    expect(r.stdout).toMatch(/Run Time \(s\): real \d+\.\d{3}/);
    expect(r.stderr.trim()).toBe('error: unknown command .frobnicate; .help lists the commands');
    expect(r.code).toBe(1);
    expect(sqlWithStdin('.help\n').stdout).toMatch(/\.maxrows N/);
  });

  it('.output FILE and .once FILE send results to a file; .read FILE runs a script', () => {
    const out = path.join(ws.root, 'out.txt');
    const once = path.join(ws.root, 'once.csv');
    const script = path.join(ws.root, 'script.sql');
    fs.writeFileSync(script, '.mode csv\nselect 41 + 1 as answer;\n');
    const r = sqlWithStdin([`.output ${out}`, 'select 1 as first;', 'select 2 as second;', '.output', `.once ${once}`, '.mode csv', 'select 3 as third;',
      'select 4 as fourth;', `.read ${script}`].join('\n'));
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toMatch(/│ first │[\s\S]*│ second │/);
    expect(fs.readFileSync(once, 'utf8')).toBe('third\n3\n');
    expect(r.stdout).toBe('fourth\n4\nanswer\n42\n');
  });
});

describe('scripts', () => {
  it('a script on stdin runs its statements in order; a failing one prints its error and the exit code is 1', () => {
    const ok = sqlWithStdin('select 1 as one; select 2 as two;\nselect \';\' as semi;', ['--format', 'csv']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toBe('one\n1\ntwo\n2\nsemi\n;\n');
    const bad = sqlWithStdin('select 1 as one;\nselec 2;\nselect 3 as three;', ['--format', 'csv']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('one\n1\nthree\n3\n');
    expect(bad.stderr).toMatch(/^error: Parser Error: syntax error at or near "selec"/);
  });

  it('--file runs a script file the same way', () => {
    const file = path.join(ws.root, 'q.sql');
    fs.writeFileSync(file, '-- a comment\nselect count(*) as n\n  from ecommerce;\nselect 5 as five -- no ; at the end\n');
    const r = cli(['sql', '--file', file, '--format', 'csv', ...W]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('n\n2\nfive\n5\n');
    fs.writeFileSync(file, 'select 1;\nselect nope;\n');
    expect(cli(['sql', '--file', file, ...W]).code).toBe(1);
  });

  it('splitStatements ignores ; inside strings, quoted names, comments and dollar quotes', () => {
    expect(splitStatements(`select ';' as "a;b"; -- x;\nselect $$;$$; /* ; */ select 3`)).toEqual({
      statements: [`select ';' as "a;b";`, '-- x;\nselect $$;$$;'],
      rest: ' /* ; */ select 3',
    });
  });
});

describe('Tab completion', () => {
  it('completion candidates for "SELECT Tot" come from DuckDB and include Total_Order_Amount, Total_Quantity_Ordered', async () => {
    const { s } = session();
    const { word, candidates } = await s.complete('SELECT Tot');
    expect(word).toBe('Tot');
    expect(candidates).toEqual(expect.arrayContaining(['Total_Order_Amount', 'Total_Quantity_Ordered', 'Total_Delivery_Distance']));
    expect((await s.complete('select * from pipeline_r')).candidates).toEqual(expect.arrayContaining(['pipeline_rejects', 'pipeline_runs']));
    // The statement typed on earlier lines is context.
    await s.feedLine('select Customer_ID');
    expect((await s.complete('from ecommer')).candidates).toContain('ecommerce');
  });

  it('Tab in the readline shell completes from the warehouse', async () => {
    const { s, out } = session();
    const input = new PassThrough();
    const output = new PassThrough();
    let seen = '';
    output.on('data', (d: Buffer) => (seen += d.toString()));
    const done = startShell(s, { input, output, terminal: true, historyFile: path.join(ws.root, 'history') });
    input.write('SELECT Total_Quan\t');
    await expect.poll(() => seen, { timeout: 10_000 }).toContain('Total_Quantity_Ordered');
    input.write(' FROM ecommerce;\r');
    await expect.poll(() => out.join('\n'), { timeout: 10_000 }).toMatch(/│ +Total_Quantity_Ordered │/);
    input.write('.exit\r');
    await done;
    expect(fs.readFileSync(path.join(ws.root, 'history'), 'utf8')).toContain('SELECT Total_Quantity_Ordered FROM ecommerce;');
  });

  // Each line is typed only once the shell shows its prompt: input written
  // before readline switched the terminal to raw mode could be lost (a flaky hang).
  it('the interactive shell on a real pseudo-terminal: prompt, dot command, query, .exit', async () => {
    const shell = ptyShell(['--warehouse', ws.warehousePath]);
    try {
      const lines = ['.mode csv', 'select 6 * 7 as answer;', '.exit'];
      for (const [i, line] of lines.entries()) {
        await shell.prompt(i + 1);
        shell.type(`${line}\n`);
      }
      expect(await shell.exited).toBe(0);
      expect(shell.output()).toMatch(/answer\r?\n42/);
    } finally {
      shell.kill();
    }
  });
});

describe('Ctrl-C and Ctrl-D', () => {
  it('Ctrl-C drops the statement being typed and the shell stays; Ctrl-D leaves without running an unfinished one (sql --write)', async () => {
    const copy = warehouseCopy('ctrl-c-warehouse');
    const count = async () =>
      withWarehouse({ path: copy, readOnly: true }, async (w) => Number((await w.one<{ n: bigint }>('select count(*) as n from ecommerce_state'))!.n));
    const before = await count();
    expect(before).toBeGreaterThan(0);
    const shell = ptyShell(['--write', '--warehouse', copy]);
    try {
      await shell.prompt(1);
      shell.type('delete from ecommerce_state'); // no ; and no Enter
      await shell.waitFor('echo of the typed statement', () => shell.output().includes('delete from ecommerce_state'));
      shell.type('\x03'); // Ctrl-C
      await shell.prompt(2);
      shell.type('select count(*) as n from ecommerce_state;\r');
      await shell.waitFor('the count', () => new RegExp(`│ +${before} │`).test(shell.output()));
      await shell.prompt(3);
      // An open statement on two lines, then Ctrl-D on the empty third line.
      shell.type('delete\r');
      await shell.continuation(1);
      shell.type('from ecommerce_state\r');
      await shell.continuation(2);
      shell.type('\x04'); // Ctrl-D
      expect(await shell.exited).toBe(0);
      expect(shell.output()).toContain('(unfinished statement discarded)');
    } finally {
      shell.kill();
    }
    expect(await count()).toBe(before);
  });

  it('Ctrl-C interrupts a running statement: "interrupted", and the next statement answers', async () => {
    const shell = ptyShell(['--warehouse', ws.warehousePath]);
    try {
      await shell.prompt(1);
      // Days of work for DuckDB: only an interrupt ends it.
      shell.type('select count(*) as n from range(10000000000000);\r');
      await shell.waitFor('echo of the statement', () => shell.output().includes('range(10000000000000);'));
      // Let it start (not an assertion: a Ctrl-C that comes sooner drops the line before it runs, with the same result).
      await new Promise((r) => setTimeout(r, 1000));
      shell.type('\x03');
      await shell.waitFor('"interrupted"', () => shell.output().includes('interrupted'));
      await shell.prompt(2);
      shell.type('select 6 * 7 as answer;\r');
      await shell.waitFor('the answer', () => /│ +42 │/.test(shell.output()));
      await shell.prompt(3);
      shell.type('.exit\r');
      expect(await shell.exited).toBe(0);
    } finally {
      shell.kill();
    }
  });

  it('interrupt() stops the running statement, prints no partial result, and the session stays usable', async () => {
    const { s, out, err } = session();
    // A stream of a billion rows: DuckDB ends an interrupted stream early, without an error.
    const running = s.feedLine('select range as i from range(1000000000);');
    await expect.poll(() => s.busy, { timeout: 10_000 }).toBe(true);
    await new Promise((r) => setTimeout(r, 500)); // let rows flow (not an assertion)
    expect(s.interrupt()).toBe(true);
    expect(await running).toBe(true);
    expect(err).toEqual(['interrupted']);
    expect(out).toEqual([]);
    expect(s.busy).toBe(false);
    await s.feedLine('select 42 as answer;');
    expect(out.join('\n')).toMatch(/│ +42 │/);
    expect(err).toEqual(['interrupted']);
    // Ctrl-C in a .read script stops the script: its later statements do not run.
    const script = path.join(ws.root, 'long.sql');
    fs.writeFileSync(script, 'select count(*) from range(10000000000000);\nselect 1 as after_the_interrupt;\n');
    const reading = s.feedLine(`.read ${script}`);
    await expect.poll(() => s.busy, { timeout: 10_000 }).toBe(true);
    expect(s.interrupt()).toBe(true);
    await reading;
    expect(err).toEqual(['interrupted', 'interrupted']);
    expect(out.join('\n')).not.toContain('after_the_interrupt');
  });

  it('the history file is the owner\'s alone (0600), also one an older version created 0644', async () => {
    const fresh = path.join(ws.root, 'history-fresh');
    const old = path.join(ws.root, 'history-old');
    fs.writeFileSync(old, 'select 0;\n', { mode: 0o644 });
    fs.chmodSync(old, 0o644);
    for (const historyFile of [fresh, old]) {
      const { s } = session();
      const input = new PassThrough();
      const done = startShell(s, { input, output: new PassThrough(), terminal: true, historyFile });
      input.write('select 1;\r');
      await expect.poll(() => fs.existsSync(historyFile) && fs.readFileSync(historyFile, 'utf8').includes('select 1;'), { timeout: 10_000 }).toBe(true);
      input.write('.exit\r');
      await done;
      expect((fs.statSync(historyFile).mode & 0o777).toString(8)).toBe('600');
    }
  });
});

describe('--version', () => {
  it('prints the product and DuckDB versions, and the Postgres server version when one is configured, never its password', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const plain = cli(['--version']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toBe(`pipeline ${pkg.version}\nDuckDB v${plain.stdout.match(/DuckDB v([\d.]+)/)![1]}\n`);
    const withPg = cli(['--version', '--postgres', pgUrl()]);
    expect(withPg.code).toBe(0);
    expect(withPg.stdout).toMatch(/^Postgres \d+(\.\d+)* \(postgres(?:ql)?:\/\/postgres@127\.0\.0\.1:\d+\/postgres\)$/m);
    const password = new URL(pgUrl()).password;
    if (password) expect(withPg.stdout).not.toContain(password);
    const down = cli(['--version'], { DATABASE_URL: 'postgres://u:hunter2@127.0.0.1:1/db' });
    expect(down.stdout).toMatch(/Postgres at postgres(?:ql)?:\/\/u@127\.0\.0\.1:1\/db: not reachable/);
    expect(down.stdout).not.toContain('hunter2');
  });
});
