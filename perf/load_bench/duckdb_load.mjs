// DuckDB's side of the load benchmark: loads the .tbl files of one benchmark with COPY, with
// the given number of threads, into a database file (DuckDB writes and checkpoints its data,
// as ibex persists its blocks) or into memory (DB_FILE ":memory:"), and prints one line per
// table and a total, in seconds.
//
//   node duckdb_load.mjs SCHEMA.sql TBL_DIR DB_FILE THREADS
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync, rmSync } from 'node:fs';

const [schemaPath, tblDir, dbFile, threads] = process.argv.slice(2);
const inMemory = dbFile === ':memory:';
if (!inMemory) {
  rmSync(dbFile, { force: true });
  rmSync(dbFile + '.wal', { force: true });
}
const schema = readFileSync(schemaPath, 'utf8');
const tables = [...schema.matchAll(/create table (\w+)/gi)].map((m) => m[1]);

const instance = await DuckDBInstance.create(dbFile, { threads: String(threads) });
const conn = await instance.connect();
await conn.run(schema);
// The SSB date dimension is named "dates" in the schema and "date.tbl" on disk.
const fileOf = (t) => `${tblDir}/${t === 'dates' ? 'date' : t}.tbl`;
let total = 0;
for (const t of tables) {
  const start = process.hrtime.bigint();
  await conn.run(`COPY ${t} FROM '${fileOf(t)}' (DELIMITER '|', HEADER false)`);
  if (!inMemory) await conn.run('CHECKPOINT');
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  total += secs;
  const rows = (await conn.runAndReadAll(`SELECT count(*) FROM ${t}`)).getRows()[0][0];
  console.log(`duckdb ${t} ${rows} rows ${secs.toFixed(3)} s`);
}
console.log(`duckdb total ${total.toFixed(3)} s`);
// CPU time of the whole process (all threads), as ibex_load_bench reports its own.
const cpu = process.cpuUsage();
console.log(`duckdb cpu ${((cpu.user + cpu.system) / 1e6).toFixed(3)} s`);
conn.closeSync();
if (!inMemory) {
  rmSync(dbFile, { force: true });
  rmSync(dbFile + '.wal', { force: true });
}
