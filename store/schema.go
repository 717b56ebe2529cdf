package store

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations brings the schema from version i to i+1 at index i. The
// schema version is SQLite's user_version. Entries are only ever added:
// a released migration is never edited, since databases out there ran it.
var migrations = [...]string{
	// Version 1: state, sources, history and the sync queue.
	//
	// Mark keeps the unread counts right as read states change: it counts
	// the changes by source in the same transaction, which costs less than
	// a trigger run for each row of a mark-all.
	//
	// Times are Unix milliseconds, except first_seen in seconds. A kept
	// item's date is also kept apart, to the second and with its zone,
	// which the article's JSON form gives to the day only. Each
	// source keeps its counts of articles and of unread articles, kept
	// right by triggers whoever writes, so that `gazette unread` reads one
	// row instead of the whole directory.
	`
CREATE TABLE articles (
	key        TEXT PRIMARY KEY,
	first_seen INTEGER NOT NULL,
	read       INTEGER NOT NULL DEFAULT 0,
	read_at    INTEGER NOT NULL DEFAULT 0,
	starred    INTEGER NOT NULL DEFAULT 0,
	starred_at INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE sources (
	source TEXT PRIMARY KEY,
	seen   INTEGER NOT NULL DEFAULT 0,
	total  INTEGER NOT NULL DEFAULT 0,
	unread INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE source_items (
	source TEXT NOT NULL REFERENCES sources(source) ON DELETE CASCADE,
	key    TEXT NOT NULL REFERENCES articles(key),
	PRIMARY KEY (source, key)
) WITHOUT ROWID;
CREATE INDEX source_items_key ON source_items(key);

CREATE TABLE history (
	source  TEXT NOT NULL,
	key     TEXT NOT NULL,
	fetched INTEGER NOT NULL,
	seen    INTEGER NOT NULL,
	date    TEXT NOT NULL DEFAULT '',
	article TEXT NOT NULL,
	PRIMARY KEY (source, key),
	FOREIGN KEY (source, key) REFERENCES source_items(source, key) ON DELETE CASCADE
);

CREATE TABLE changes (
	id      INTEGER PRIMARY KEY AUTOINCREMENT,
	account TEXT NOT NULL,
	key     TEXT NOT NULL,
	op      TEXT NOT NULL CHECK (op IN ('read', 'unread', 'star', 'unstar')),
	at      INTEGER NOT NULL,
	tries   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX changes_account ON changes(account, id);

-- The row of the source '' counts the articles any source lists, each
-- once: an article joins it with its first source and leaves it with
-- its last.
INSERT INTO sources (source) VALUES ('');

CREATE TRIGGER source_items_add AFTER INSERT ON source_items BEGIN
	UPDATE sources SET total = total + 1,
		unread = unread + coalesce((SELECT read = 0 FROM articles WHERE key = new.key), 0)
	WHERE source = new.source
		OR source = '' AND (SELECT count(*) FROM source_items WHERE key = new.key) = 1;
END;

CREATE TRIGGER source_items_drop AFTER DELETE ON source_items BEGIN
	UPDATE sources SET total = total - 1,
		unread = unread - coalesce((SELECT read = 0 FROM articles WHERE key = old.key), 0)
	WHERE source = old.source
		OR source = '' AND NOT EXISTS (SELECT 1 FROM source_items WHERE key = old.key);
END;

-- An article leaves its sources before it is deleted, so that the counts
-- above still see whether it was read.
CREATE TRIGGER articles_drop BEFORE DELETE ON articles BEGIN
	DELETE FROM source_items WHERE key = old.key;
END;

`,
	// Version 2: the full-text index. It keeps no copy of the text
	// (content=''); search_docs maps its rowids to story keys, with the
	// stamp of the version indexed, so that indexing again skips what has
	// not changed. detail=full keeps positions, which phrases need.
	`
CREATE VIRTUAL TABLE search USING fts5(
	body,
	content = '',
	contentless_delete = 1,
	tokenize = 'unicode61 remove_diacritics 2',
	detail = full
);

CREATE TABLE search_docs (
	doc   INTEGER PRIMARY KEY,
	key   TEXT NOT NULL UNIQUE,
	stamp TEXT NOT NULL
);
`,
	// Version 3: the entries of sync accounts. Each row ties a server's
	// entry ID to the story key the store keeps state by, with the state
	// the server had at the last sync: the base against which a sync
	// tells who changed what since.
	`
CREATE TABLE remote_entries (
	account TEXT NOT NULL,
	id      TEXT NOT NULL,
	key     TEXT NOT NULL,
	read    INTEGER NOT NULL DEFAULT 0,
	starred INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (account, id)
) WITHOUT ROWID;
CREATE INDEX remote_entries_key ON remote_entries(key);
`,
	// Version 4: what each source listed when it was last recorded whole,
	// as a digest of its keys (see listedDigest), so that a launch that
	// finds a directory as it was records it without reading back every
	// key. The triggers that count a source's articles now also forget
	// the digest whenever any of its rows comes or goes, whoever writes.
	`
ALTER TABLE sources ADD COLUMN listed BLOB;

DROP TRIGGER source_items_add;
CREATE TRIGGER source_items_add AFTER INSERT ON source_items BEGIN
	UPDATE sources SET total = total + 1,
		unread = unread + coalesce((SELECT read = 0 FROM articles WHERE key = new.key), 0),
		listed = NULL
	WHERE source = new.source
		OR source = '' AND (SELECT count(*) FROM source_items WHERE key = new.key) = 1;
END;

DROP TRIGGER source_items_drop;
CREATE TRIGGER source_items_drop AFTER DELETE ON source_items BEGIN
	UPDATE sources SET total = total - 1,
		unread = unread - coalesce((SELECT read = 0 FROM articles WHERE key = old.key), 0),
		listed = NULL
	WHERE source = old.source
		OR source = '' AND NOT EXISTS (SELECT 1 FROM source_items WHERE key = old.key);
END;
`,
	// Version 5: each indexed document says under which root (a source
	// directory or file) it was indexed, by the root's number (0 for
	// none), and each root keeps the count and the sum of the digests of
	// its documents' keys and stamps, kept in step by every write of the
	// index in the same transaction. A load whose own sum for a root is
	// the same knows that the root's part of the index is current without
	// reading it. Documents indexed before have no root and no sum: the
	// next complete load gives them one.
	//
	// FTS5 writes the terms it holds in memory to a new segment at each
	// commit or when they pass hashsize (1 MB by default), and merges
	// segments as they pile up: 16 MB with transactions of a few thousand
	// documents writes fewer, larger segments, which a first build of
	// 100,000 articles spends about a seventh less time writing and
	// merging, and which makes the index smaller.
	`
CREATE TABLE search_roots (
	id   INTEGER PRIMARY KEY,
	root TEXT NOT NULL UNIQUE,
	n    INTEGER NOT NULL DEFAULT 0,
	lo   INTEGER NOT NULL DEFAULT 0,
	hi   INTEGER NOT NULL DEFAULT 0
);

ALTER TABLE search_docs ADD COLUMN root INTEGER NOT NULL DEFAULT 0;

INSERT INTO search (search, rank) VALUES ('hashsize', 16777216);
`,
	// Version 6: FTS5 merges the segments of a level of the index once
	// automerge of them pile up (4 by default). At 8, a first build of
	// 100,000 articles merges each term's entries fewer times over, and
	// spends about a quarter less time writing the index; a lookup reads
	// a few more segments, a fraction of a millisecond.
	`
INSERT INTO search (search, rank) VALUES ('automerge', 8);
`,
	// Version 7: the name of the way the index's texts were made (see
	// Options.Tokens). An index from before has none, and is built again
	// by the first gazette that names one.
	`
CREATE TABLE search_tokens (tokens TEXT NOT NULL);
`,
	// Version 8: the version of the articles' states (see StatesVersion):
	// the store's own random name, and a number drawn anew, in the same
	// transaction, by every write that changes a row of articles. A copy
	// of the states kept under the same version is the same as the table.
	`
CREATE TABLE states_version (
	id    INTEGER PRIMARY KEY CHECK (id = 0),
	store TEXT NOT NULL,
	n     INTEGER NOT NULL
);
INSERT INTO states_version (id, store, n) VALUES (0, lower(hex(randomblob(16))), random());
`,
	// Version 9: the version of the index's keys (see KeysVersion): a
	// number drawn anew, in the same transaction, by every write that
	// indexes a new key or unindexes one. A copy of the keys kept under
	// the same version is the same as search_docs. (Triggers that drew it
	// for each row written made a first build three times as long.)
	`
CREATE TABLE search_version (
	id INTEGER PRIMARY KEY CHECK (id = 0),
	n  INTEGER NOT NULL
);
INSERT INTO search_version (id, n) VALUES (0, random());
`,
	// Version 10: the articles read or starred, apart (see LoadMarked),
	// with what their states need. The reader reads those as its first
	// rows show, and scanned every article for them: 20 ms at 100,000
	// articles with none marked.
	`
CREATE INDEX articles_marked ON articles(read, starred, first_seen) WHERE read OR starred;
`,
}

// SchemaVersion is the schema version this package writes.
const SchemaVersion = len(migrations)

// migrate brings the schema up to SchemaVersion.
func (s *Store) migrate(ctx context.Context) error {
	return migrateTo(ctx, s.db, SchemaVersion)
}

// migrateTo runs the migrations up to version target in one transaction,
// which checks the version again under the write lock: two processes
// opening a new database at once migrate it once.
func migrateTo(ctx context.Context, db *sql.DB, target int) error {
	var v int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return err
	}
	if v >= target {
		return tooNew(v)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return err
	}
	if err := tooNew(v); err != nil {
		return err
	}
	for ; v < target; v++ {
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			return fmt.Errorf("migrate the schema to version %d: %w", v+1, err)
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", target)); err != nil {
		return err
	}
	return tx.Commit()
}

// tooNew returns an error wrapping ErrTooNew when version v is past what
// this package knows.
func tooNew(v int) error {
	if v > SchemaVersion {
		return fmt.Errorf("its schema is version %d, this gazette knows up to %d: %w", v, SchemaVersion, ErrTooNew)
	}
	return nil
}
