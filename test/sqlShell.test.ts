import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShellSession } from '../pipeline/shell/ShellSession.js';
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

/** A shell session on the test warehouse, its output collected. */
function session(settings = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const s = new ShellSession(
    {
      withWarehouse: <T>(work: (w: Warehouse) => Promise<T>) => withWarehouse({ path: ws.warehousePath, readOnly: true }, work),
      out: (t) => out.push(t),
      err: (t) => err.push(t),
      width: () => undefined,
      color: false,
    },
    settings,
  );
  return { s, out, err };
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
});

describe('dot commands', () => {
  it('.tables groups the tables (result, keyed state, raw, bookkeeping) with one line on each', () => {
    const r = sqlWithStdin('.tables\n');
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout;
    expect(out.indexOf('result:')).toBeLessThan(out.indexOf('keyed state'));
    expect(out.indexOf('keyed state')).toBeLessThan(out.indexOf('raw ('));
    expect(out.indexOf('raw (')).toBeLessThan(out.indexOf('pipeline bookkeeping:'));
    expect(out).toMatch(/ecommerce +the result: one row per \(Customer_ID, window\)/);
    expect(out).toMatch(/pipeline_rejects +every rejected row/);
    expect(out).toMatch(/current_orders +view: the whole current record/);
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
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} sql --warehouse ${JSON.stringify(ws.warehousePath)}`;
    const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: ROOT, env: { ...process.env, HOME: ws.root } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const prompts = () => (out.match(/sql> /g) ?? []).length;
    const waitForPrompt = async (n: number) => {
      const end = Date.now() + 30_000;
      while (prompts() < n) {
        if (Date.now() > end || child.exitCode !== null) throw new Error(`no prompt #${n}; output so far:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      const lines = ['.mode csv', 'select 6 * 7 as answer;', '.exit'];
      for (const [i, line] of lines.entries()) {
        await waitForPrompt(i + 1);
        child.stdin.write(`${line}\n`);
      }
      expect(await exited).toBe(0);
      expect(out).toMatch(/answer\r?\n42/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
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
