// DuckDB behind ibex's batch-shell protocol, so that the sqllogictest runner, the tools that
// write expected answers, the fidelity check and the engine benchmark drive DuckDB exactly as
// they drive `ibex`:
//
//   node duckdb_shell.mjs --duckdb DIR -f FILE --format csv [--on-error continue]
//        [--threads N] [--typed-header] [--data-dir D (ignored)]
//
// Output as ibex prints it: CSV with a header row, NULL as an empty field, '' as "", decimals
// with their scale, dates yyyy-mm-dd (DuckDB's DATE +/- INTERVAL is a TIMESTAMP; a midnight
// timestamp prints as its date, as ibex's DATE result does). `SET slt_record = x` and
// `SHOW slt_record` are answered here (the shell does that in ibex); `\timing on` prints
// `Time: <ms> ms` after each statement, as ibex's shell does. Errors: `ERROR: <message>` on
// stderr. `COPY t FROM 'f' (FORMAT tbl, DELIMITER '|')` becomes DuckDB's CSV COPY.
// --typed-header writes header cells as name:TYPE (for fill_expected.py).
//
// Not a build or test dependency: DuckDB is the npm package @duckdb/node-api, installed
// outside the repository (`--duckdb DIR` is the folder holding its node_modules).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

function Options(argv) {
  const o = { duckdb: process.env.IBEX_DUCKDB_DIR ?? '/tmp/duck', threads: '2', typed: false, files: [] };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    if (a === '--duckdb') o.duckdb = argv[++i];
    else if (a === '-f') o.files.push(argv[++i]);
    else if (a === '--threads') o.threads = argv[++i];
    else if (a === '--typed-header') o.typed = true;
    else if (a === '--format' || a === '--on-error' || a === '--data-dir') ++i;
    else throw new Error(`duckdb_shell: unknown argument ${a}`);
  }
  return o;
}

// Statements of a script: split at ';' outside strings, quoted names and comments;
// meta-commands (a line starting with '\') stand alone.
export function SplitStatements(text) {
  const out = [];
  let cur = '';
  for (let i = 0; i < text.length; ++i) {
    const c = text[i];
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      const stop = end < 0 ? text.length : end;
      cur += text.slice(i, stop + 1);
      i = stop;
    } else if (c === '-' && text[i + 1] === '-') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end - 1;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (c === '\\' && cur.trim() === '') {
      const end = text.indexOf('\n', i);
      out.push(text.slice(i, end < 0 ? text.length : end).trim());
      i = end < 0 ? text.length : end;
      cur = '';
    } else if (c === ';') {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
    } else {
      cur += c;
    }
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

export function FormatValue(v) {
  if (v === null || v === undefined) return null;
  let s = String(v);
  if (typeof v === 'object' && /^\d{4}-\d\d-\d\d 00:00:00$/.test(s)) s = s.slice(0, 10);
  return s;
}

export function CsvField(s) {
  if (s === null) return '';
  if (s === '' || /[,"\n\r]/.test(s)) return `"${s.replaceAll('"', '""')}"`;
  return s;
}

function TranslateCopy(sql) {
  const m = /^copy\s+(\w+)\s+from\s+'([^']*)'\s*\(([^)]*)\)\s*$/is.exec(sql);
  if (!m) return sql;
  const opts = m[3].split(',').map((s) => s.trim());
  const tbl = opts.some((o) => /^format\s+tbl$/i.test(o));
  const rest = opts.filter((o) => !/^format\s+/i.test(o));
  if (tbl && !rest.some((o) => /^header/i.test(o))) rest.push('HEADER false');
  return `COPY ${m[1]} FROM '${m[2]}' (${rest.join(', ')})`;
}

async function Main() {
  const o = Options(process.argv.slice(2));
  const require = createRequire(path.join(path.resolve(o.duckdb), 'x.js'));
  const { DuckDBInstance } = require('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:', { threads: o.threads });
  const con = await instance.connect();
  const variables = new Map();
  let timing = false;
  let failed = false;
  const write = (s) => fs.writeSync(1, s);
  for (const file of o.files) {
    for (const sql of SplitStatements(fs.readFileSync(file, 'utf8'))) {
      const set = /^set\s+(slt_\w+)\s*=\s*(\w+)$/i.exec(sql);
      const show = /^show\s+(slt_\w+)$/i.exec(sql);
      // Like ibex's shell, \timing reports these too (callers rely on one Time line each).
      if (set) {
        variables.set(set[1].toLowerCase(), set[2]);
        if (timing) write('Time: 0.000 ms\n');
        continue;
      }
      if (show) {
        write(`${show[1].toLowerCase()}\n${variables.get(show[1].toLowerCase())}\n`);
        if (timing) write('Time: 0.000 ms\n');
        continue;
      }
      if (sql.startsWith('\\')) {
        if (/^\\timing(\s+on)?$/.test(sql)) timing = true;
        else if (/^\\timing\s+off$/.test(sql)) timing = false;
        else { fs.writeSync(2, `ERROR: unknown meta-command ${sql}\n`); failed = true; }
        continue;
      }
      const t0 = process.hrtime.bigint();
      try {
        const reader = await con.runAndReadAll(TranslateCopy(sql));
        const names = reader.columnNames();
        if (names.length > 0 && !/^(copy|create|insert|drop|prepare|deallocate|set)\b/i.test(sql)) {
          const types = reader.columnTypes().map((t) => t.toString());
          const header = names.map((n, i) => CsvField(o.typed ? `${n}:${types[i]}` : n));
          let text = header.join(',') + '\n';
          for (const row of reader.getRows()) text += row.map((v) => CsvField(FormatValue(v))).join(',') + '\n';
          write(text);
        }
      } catch (e) {
        fs.writeSync(2, `ERROR: ${String(e.message ?? e).split('\n').join(' ')}\n`);
        failed = true;
      }
      if (timing) write(`Time: ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(3)} ms\n`);
    }
  }
  process.exitCode = failed ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  Main().catch((e) => { fs.writeSync(2, `ERROR: ${e.stack ?? e}\n`); process.exit(2); });
}
