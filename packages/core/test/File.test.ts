import { describe, expect, it } from 'vitest';
import { File } from '../src/index.js';

describe('File', () => {
  it('parses file URLs and plain paths', () => {
    const a = new File('file:///data/x.csv');
    expect(a.scheme).toBe('file');
    expect(a.path).toBe('/data/x.csv');
    expect(a.filepath).toBe('/data/x.csv');
    expect(String(a)).toBe('/data/x.csv');
    const b = new File('/tmp/y.txt');
    expect(b.url).toBe('file:///tmp/y.txt');
    expect(new File('rel.txt').path).toBe(`${process.cwd()}/rel.txt`);
  });

  it('parses remote URLs without a local path', () => {
    const f = new File('https://example.org/a/b%20c.txt');
    expect(f.scheme).toBe('https');
    expect(f.netloc).toBe('example.org');
    expect(f.path).toBe('/a/b c.txt');
    expect(f.localPath).toBeUndefined();
    const g = new File('globus://1234-uuid/path/x');
    expect(g.scheme).toBe('globus');
  });

  it('round-trips through its plain form', () => {
    const f = new File('https://h/x', '/scratch/x');
    const back = File.fromPlain(JSON.parse(JSON.stringify(f.toPlain())));
    expect(back.url).toBe(f.url);
    expect(back.localPath).toBe('/scratch/x');
    expect(File.isFile(back)).toBe(true);
    expect(File.isPlainFile(f.toPlain())).toBe(true);
  });

  it('rejects an empty name with a coded error', () => {
    expect(() => new File('')).toThrow(expect.objectContaining({ code: 'PARSL_BAD_FILE' }));
  });
});
