import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { expandHome } from '../../guards/path.js';

export const DEMO_DATABASE = '~/.rampart/demo.sqlite';

const ARTISTS = [
  ['Nina Simone', 'US'],
  ['Fela Kuti', 'NG'],
  ['Björk', 'IS'],
  ['Caetano Veloso', 'BR'],
  ['Kraftwerk', 'DE'],
  ['Ryuichi Sakamoto', 'JP'],
  ['Mercedes Sosa', 'AR'],
  ['Ali Farka Touré', 'ML'],
  ['Portishead', 'GB'],
  ['Amália Rodrigues', 'PT'],
] as const;

const WORDS = [
  'Blue',
  'Night',
  'River',
  'Light',
  'Song',
  'Road',
  'Fire',
  'Glass',
  'Rain',
  'Garden',
  'Echo',
  'Gold',
];

/**
 * A small music catalogue (artists, albums, tracks with foreign keys and indexes) so that `rampart db` and
 * `rampart serve` have something to query on a fresh machine. Made once, atomically, mode 0600.
 */
export async function ensureDemoDatabase(file = DEMO_DATABASE): Promise<string> {
  const target = path.resolve(expandHome(file));
  if (existsSync(target)) return target;
  await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
  const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(temp);
    db.exec(`
      CREATE TABLE artists (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, country TEXT NOT NULL);
      CREATE TABLE albums (
        id INTEGER PRIMARY KEY, artist_id INTEGER NOT NULL REFERENCES artists(id),
        title TEXT NOT NULL, year INTEGER NOT NULL CHECK (year > 1900));
      CREATE INDEX albums_by_artist ON albums(artist_id);
      CREATE TABLE tracks (
        id INTEGER PRIMARY KEY, album_id INTEGER NOT NULL REFERENCES albums(id),
        position INTEGER NOT NULL, title TEXT NOT NULL, seconds INTEGER NOT NULL DEFAULT 0);
      CREATE UNIQUE INDEX tracks_by_album ON tracks(album_id, position);
      CREATE VIEW album_lengths AS
        SELECT a.id, a.title, ar.name AS artist, COUNT(t.id) AS tracks, SUM(t.seconds) AS seconds
        FROM albums a JOIN artists ar ON ar.id = a.artist_id LEFT JOIN tracks t ON t.album_id = a.id GROUP BY a.id;
    `);
    const addArtist = db.prepare('INSERT INTO artists (name, country) VALUES (?, ?)');
    const addAlbum = db.prepare('INSERT INTO albums (artist_id, title, year) VALUES (?, ?, ?)');
    const addTrack = db.prepare(
      'INSERT INTO tracks (album_id, position, title, seconds) VALUES (?, ?, ?, ?)',
    );
    let seed = 7;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed;
    };
    const word = () => WORDS[next() % WORDS.length] as string;
    db.transaction(() => {
      for (const [name, country] of ARTISTS) {
        const artist = Number(addArtist.run(name, country).lastInsertRowid);
        for (let a = 0; a < 4; a++) {
          const album = Number(
            addAlbum.run(artist, `${word()} ${word()}`, 1960 + (next() % 60)).lastInsertRowid,
          );
          const count = 6 + (next() % 7);
          for (let t = 1; t <= count; t++)
            addTrack.run(album, t, `${word()} ${word()} ${word()}`, 120 + (next() % 300));
        }
      }
    })();
    db.close();
    await chmod(temp, 0o600);
    await rename(temp, target);
  } finally {
    await rm(temp, { force: true });
  }
  return target;
}
