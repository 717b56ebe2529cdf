package load

import (
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/gazette-news/gazette/internal/safefile"
)

// readDir calls visit on each entry of dir, a path in root, in the order
// the system gives them, until visit returns false; more is false then. A
// directory swapped for a FIFO since it was listed is refused, never
// waited on, and one swapped for a link out of the root is refused too.
//
// The entries are read raw (getdents64), with the type the kernel gives
// each: a directory read through an os.Root would otherwise lstat every
// entry as it lists it, on the one goroutine that lists, which made
// listing 100,000 files the slowest step of a load from the header cache.
// An entry's FileInfo is taken when asked for (see rawEntry.Info), by the
// worker that has its file, and only for a file with a cached record: by
// fstatat in the directory when keep took the directory's file (the
// caller then closes it, after the entries are done with), else through
// root.
func readDir(root *os.Root, dir string, keep func(*os.File) bool, visit func(fs.DirEntry) bool) (more bool, err error) {
	if dir == "" {
		dir = "."
	}
	f, err := safefile.OpenDirIn(root, dir)
	if err != nil {
		return true, err
	}
	dirFD := -1
	if keep != nil && keep(f) {
		dirFD = int(f.Fd())
	} else {
		defer f.Close()
	}
	buf := make([]byte, 32<<10)
	// The entries, and their names, are allocated a block at a time: at
	// 100,000 files, one of each for every file was 200,000 objects for
	// the collector. A block lives as long as one of its entries does.
	var (
		entries []rawEntry
		names   = textBlocks{size: entryBlock * 32}
	)
	return safefile.Dirents(f, buf, func(name []byte, typ fs.FileMode) bool {
		if len(entries) == cap(entries) {
			entries = make([]rawEntry, 0, entryBlock)
		}
		entries = append(entries, rawEntry{root: root, dirFD: dirFD, dir: dir, name: names.add(name), typ: typ})
		return visit(&entries[len(entries)-1])
	})
}

// entryBlock is how many entries readDir allocates at a time.
const entryBlock = 256

// rawEntry is a directory entry as getdents64 gave it: its name and type.
// Its FileInfo is looked up, through the root, when first asked for.
type rawEntry struct {
	root *os.Root
	// dirFD is the open directory the entry is in, or -1.
	dirFD     int
	dir, name string
	typ       fs.FileMode
}

func (d *rawEntry) Name() string      { return d.name }
func (d *rawEntry) IsDir() bool       { return d.typ.IsDir() }
func (d *rawEntry) Type() fs.FileMode { return d.typ }

// Info returns the entry's FileInfo, as lstat gives it now: the file may
// have changed since it was listed, as with any lazy fs.DirEntry.
func (d *rawEntry) Info() (fs.FileInfo, error) {
	if d.dirFD < 0 {
		return d.root.Lstat(d.rel())
	}
	fi := &safefile.StatInfo{FileName: d.name}
	if err := d.lstatAt(&fi.Stat); err != nil {
		return nil, err
	}
	return fi, nil
}

// lstatAt fills st with what lstat gives of the entry's file now, in the
// directory readDir keeps open (dirFD is not -1).
func (d *rawEntry) lstatAt(st *unix.Stat_t) error {
	if err := lstatIn(d.dirFD, d.name, st); err != nil {
		return &os.PathError{Op: "lstat", Path: d.rel(), Err: err}
	}
	return nil
}

// entryStamp returns the stamp of d's file, as lstat gives it now. For an
// entry listed in a directory readDir keeps open, it makes no FileInfo:
// the stamp is all a lookup in the header cache needs, and a FileInfo for
// each file was a tenth of the garbage of a load from the cache.
func entryStamp(d fs.DirEntry) (stamp, error) {
	r, ok := d.(*rawEntry)
	if !ok || r.dirFD < 0 {
		fi, err := d.Info()
		if err != nil {
			return stamp{}, err
		}
		return fileStamp(fi), nil
	}
	var st unix.Stat_t
	if err := r.lstatAt(&st); err != nil {
		return stamp{}, err
	}
	return statStamp(&st), nil
}

// rel returns the entry's path in the root.
func (d *rawEntry) rel() string {
	if d.dir == "." {
		return d.name
	}
	return filepath.Join(d.dir, d.name)
}

// listedStat is where readListed puts what fstat says of a file.
type listedStat = safefile.StatInfo

// readListed reads the file of a job listed by readDir as a regular file,
// through the directory it was listed in when that is still open (see
// safefile.ReadIntoAt), into buf when it fits; ok is false when the job
// must be read through its root. The file's information is put in stat,
// and stays there until the next file is read.
func readListed(j job, max int64, buf []byte, stat *listedStat) (data []byte, fi fs.FileInfo, ok bool, err error) {
	d, isRaw := j.d.(*rawEntry)
	if !isRaw || d.dirFD < 0 || !j.regular {
		return nil, nil, false, nil
	}
	data, fi, err = safefile.ReadIntoAt(d.dirFD, d.name, j.path, max, buf, stat)
	return data, fi, true, err
}
