// Fidelity check of ibex-datagen output against the official generators' data: loads SF 1
// .tbl files into DuckDB, runs queries from shared/benchmarks/queries and compares their
// answers with shared/benchmarks/reference-sf1 (computed on dbgen / ssb-dbgen data).
// Not a test and not a build dependency: DuckDB is the npm package @duckdb/node-api,
// installed outside the repository (see README.md).
//
//   node fidelity.mjs --duckdb /tmp/duck --shared /work/shared/benchmarks \
//        --tpch /tmp/dg/tpch1 --ssb /tmp/dg/ssb1 [--all]
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith('--') ? all[i + 1] : true]);
  return acc;
}, []));
const require = createRequire(path.join(path.resolve(args.duckdb ?? '/tmp/duck'), 'x.js'));
const { DuckDBInstance } = require('@duckdb/node-api');
const shared = args.shared ?? '/work/shared/benchmarks';

// Key columns of each query's answer (rows are matched on them); the other numeric columns
// are compared. Queries not listed are matched by row position.
const kKeys = {
  q01: ['l_returnflag', 'l_linestatus'], q09: ['nation', 'o_year'], q13: ['c_count'],
  q16: ['p_brand', 'p_type', 'p_size'], 'q2.1': ['d_year', 'p_brand1'],
};
const kDefault = {
  tpch: ['q01', 'q06', 'q09', 'q13', 'q14', 'q16'],
  ssb: ['q1.1', 'q1.2', 'q1.3', 'q2.1'],
};
const kTables = {
  tpch: ['region', 'nation', 'part', 'supplier', 'partsupp', 'customer', 'orders', 'lineitem'],
  ssb: ['part', 'supplier', 'customer', 'date', 'lineorder'],
};

function parseCsv(text) {
  const lines = text.trim().split('\n');
  const header = lines[0].split(',');
  return { header, rows: lines.slice(1).map((l) => l.split(',')) };
}

function keyOf(row, keyColumns, header, index) {
  if (keyColumns.length === 0) return String(index);
  // Answers from different engines may spell a year 1998 or 1998.0: normalize numbers.
  return keyColumns.map((k) => row[header.indexOf(k)])
    .map((v) => (v !== '' && !isNaN(Number(v)) ? String(Number(v)) : v)).join('|');
}

function compare(name, ours, ref) {
  const keys = kKeys[name] ?? [];
  const refByKey = new Map(ref.rows.map((r, i) => [keyOf(r, keys, ref.header, i), r]));
  const cols = [];
  for (let c = 0; c < ref.header.length; ++c) {
    if (keys.includes(ref.header[c])) continue;
    if (ref.rows.length && isNaN(Number(ref.rows[0][c]))) continue;
    let sumOurs = 0, sumRef = 0;
    const devs = [];
    for (const [i, r] of ours.rows.entries()) {
      sumOurs += Number(r[c]);
      const match = refByKey.get(keyOf(r, keys, ref.header, i));
      if (match && Number(match[c]) !== 0) devs.push(Math.abs(Number(r[c]) / Number(match[c]) - 1));
    }
    for (const r of ref.rows) sumRef += Number(r[c]);
    devs.sort((a, b) => a - b);
    cols.push({
      column: ref.header[c],
      sumDeviationPct: sumRef === 0 ? NaN : 100 * (sumOurs / sumRef - 1),
      medianRowDeviationPct: devs.length ? 100 * devs[Math.floor(devs.length / 2)] : NaN,
      matchedRows: devs.length,
    });
  }
  return { rows: ours.rows.length, refRows: ref.rows.length, cols };
}

async function runBenchmark(bench, dir, queries) {
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const con = await instance.connect();
  const schema = fs.readFileSync(path.join(shared, 'schema', `${bench}.sql`), 'utf8');
  await con.run(schema);
  const t0 = Date.now();
  for (const t of kTables[bench]) {
    const table = bench === 'ssb' && t === 'date' ? 'dates' : t;
    await con.run(`COPY ${table} FROM '${path.join(dir, t + '.tbl')}' (DELIMITER '|', HEADER false)`);
  }
  console.log(`${bench}: loaded ${dir} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  for (const q of queries) {
    const sql = fs.readFileSync(path.join(shared, 'queries', bench, `${q}.sql`), 'utf8');
    const reader = await con.runAndReadAll(sql);
    const header = reader.columnNames();
    const rows = reader.getRows().map((r) => r.map((v) => String(v)));
    const ref = parseCsv(fs.readFileSync(path.join(shared, 'reference-sf1', `${bench}-sf1`, `${q}.csv`), 'utf8'));
    const result = compare(q, { header, rows }, ref);
    const parts = result.cols.map((c) =>
      `${c.column}: sum ${c.sumDeviationPct.toFixed(2)}%, median row ${c.medianRowDeviationPct.toFixed(2)}% (${c.matchedRows} rows)`);
    console.log(`${bench} ${q}: rows ${result.rows} (ref ${result.refRows}); ${parts.join('; ')}`);
    if (args.detail === q) {
      console.log(`  ours: ${header.join(',')}\n  ${rows.slice(0, 60).map((r) => r.join(',')).join('\n  ')}`);
      console.log(`  reference:\n  ${ref.rows.slice(0, 60).map((r) => r.join(',')).join('\n  ')}`);
    }
  }
}

const all = args.all === true;
for (const bench of ['tpch', 'ssb']) {
  if (!args[bench]) continue;
  const queries = all
    ? fs.readdirSync(path.join(shared, 'queries', bench)).map((f) => f.replace('.sql', '')).sort()
    : kDefault[bench];
  await runBenchmark(bench, args[bench], queries);
}
