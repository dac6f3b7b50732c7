import { describe, expect, it } from 'vitest';
import { sparkEngineStatements } from '../../pipeline/engine/spark/SparkLake.js';
import { PipelineError } from '../../pipeline/errors/PipelineError.js';
import { SqlSnapshot } from '../../pipeline/warehouse/sqlFiles.js';

// "The SQL a run executes is the text whose checksum it records": a Spark session's
// lake, commit and function statements come from the run's snapshot, not from disk.
describe('sparkEngineStatements', () => {
  const onDisk = SqlSnapshot.read();

  it("reads a file's statements from the snapshot, whatever the disk holds now", () => {
    const text = '-- edited after the run read its SQL\nCREATE TEMPORARY FUNCTION f() RETURNS INT RETURN 1;\nCREATE TEMPORARY FUNCTION g() RETURNS INT RETURN 2;\n';
    const edited = new SqlSnapshot(onDisk.files, [
      ...onDisk.engineFiles.filter((f) => f.name !== 'engines/spark/functions.sql'),
      { name: 'engines/spark/functions.sql', engine: 'spark', checksum: 'x', text },
    ]);
    const statements = sparkEngineStatements(edited, 'functions.sql');
    expect(statements.map((s) => s.replace(/--[^\n]*\n/g, '').trim())).toEqual([
      'CREATE TEMPORARY FUNCTION f() RETURNS INT RETURN 1',
      'CREATE TEMPORARY FUNCTION g() RETURNS INT RETURN 2',
    ]);
    expect(sparkEngineStatements(onDisk, 'functions.sql').length).toBeGreaterThan(2);
  });

  it('a file missing from the snapshot is SQL_FILE_MISSING, naming it', () => {
    const without = new SqlSnapshot(onDisk.files, onDisk.engineFiles.filter((f) => f.name !== 'engines/spark/commits.sql'));
    let error: unknown;
    try {
      sparkEngineStatements(without, 'commits.sql');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PipelineError);
    expect((error as PipelineError).code).toBe('SQL_FILE_MISSING');
    expect((error as PipelineError).message).toContain('sql/engines/spark/commits.sql');
  });
});
