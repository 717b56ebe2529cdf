package watch

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/gazette-news/gazette/internal/safefile"
)

// dirChunk is how many directory entries are read at a time.
const dirChunk = 256

// addTree watches the directory at rel under r and every directory below
// it, and, when report is set, records the files it finds as created. A
// watch is added before its directory is listed, so a file is either
// listed or seen arriving. Only a full watch table is returned as an
// error; a directory that vanished or cannot be read is skipped (the
// latter with one notice per root).
func (w *watcher) addTree(r *root, rel string, report bool) error {
	stack := []string{rel}
	for len(stack) > 0 && !w.cancelled() {
		d := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if err := w.addWatch(r, d); err != nil {
			if errors.Is(err, syscall.ENOSPC) {
				return err
			}
			w.warn(r, d, err)
			continue
		}
		if !report && leafDir(filepath.Join(r.path, d)) {
			// Nothing to find in it: no subdirectory (one made since
			// the watch was added is seen arriving), and no file to
			// report. Of a directory of 100,000 files, the listing
			// took 25 ms of CPU at each start of a reader, on the way
			// to its full count.
			continue
		}
		err := readNames(filepath.Join(r.path, d), func(name []byte, dir bool) {
			switch {
			case name[0] == '.':
			case dir:
				stack = append(stack, filepath.Join(d, string(name)))
			case report:
				if p := filepath.Join(d, string(name)); w.match(p) {
					r.pend.created(p, w.now)
				}
			}
		})
		if err != nil {
			w.warn(r, d, err)
		}
	}
	return nil
}

// warn notes, once per root, that a directory under it cannot be watched.
// One that vanished before it could be is no news.
func (w *watcher) warn(r *root, rel string, err error) {
	if r.warned || errors.Is(err, fs.ErrNotExist) {
		return
	}
	r.warned = true
	if e := errors.Unwrap(err); e != nil {
		err = e
	}
	w.notify(fmt.Sprintf("watching %q: %q and maybe others cannot be watched: %v", r.name, rel, err))
}

// addWatch watches one directory. inotify follows a symbolic link given
// to it, so a directory swapped for a link between its listing and its
// watch is let go again: no link is ever followed out of the root or
// round a loop.
func (w *watcher) addWatch(r *root, rel string) error {
	abs := filepath.Join(r.path, rel)
	if _, ok := r.dirs[rel]; ok {
		return nil
	}
	if err := w.fsw.Add(abs); err != nil {
		return &fs.PathError{Op: "watch", Path: abs, Err: err}
	}
	if fi, err := os.Lstat(abs); err != nil || !fi.IsDir() {
		if len(w.dirs[abs]) == 0 {
			w.fsw.Remove(abs)
		}
		return &fs.PathError{Op: "watch", Path: abs, Err: fs.ErrNotExist}
	}
	r.dirs[rel] = struct{}{}
	w.dirs[abs] = append(w.dirs[abs], ref{r, rel})
	return nil
}

// dropTree forgets the directory at rel under r and every directory below
// it. Their watches are removed: one moved elsewhere would otherwise go
// on reporting under its old name.
func (w *watcher) dropTree(r *root, rel string) {
	prefix := rel + string(filepath.Separator)
	for d := range r.dirs {
		if rel == "" || d == rel || strings.HasPrefix(d, prefix) {
			w.dropWatch(r, d)
		}
	}
}

// dropWatch forgets one directory of r, and removes its watch when no
// other root holds it.
func (w *watcher) dropWatch(r *root, rel string) {
	delete(r.dirs, rel)
	abs := filepath.Join(r.path, rel)
	refs := w.dirs[abs]
	for i, rf := range refs {
		if rf.r == r {
			refs = append(refs[:i:i], refs[i+1:]...)
			break
		}
	}
	if len(refs) > 0 {
		w.dirs[abs] = refs
		return
	}
	delete(w.dirs, abs)
	if w.fsw != nil {
		// A directory removed has lost its watch already.
		w.fsw.Remove(abs)
	}
}

// resync brings r's watches in line with its directories after events
// were lost.
func (w *watcher) resync(r *root) error {
	have := make(map[string]struct{}, len(r.dirs))
	stack := []string{""}
	for len(stack) > 0 && !w.cancelled() {
		d := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		have[d] = struct{}{}
		readNames(filepath.Join(r.path, d), func(name []byte, dir bool) {
			if dir && name[0] != '.' {
				stack = append(stack, filepath.Join(d, string(name)))
			}
		})
	}
	for d := range r.dirs {
		if _, ok := have[d]; !ok {
			w.dropWatch(r, d)
		}
	}
	for d := range have {
		if err := w.addWatch(r, d); errors.Is(err, syscall.ENOSPC) {
			return err
		}
	}
	return nil
}

// scan takes the stamp of every file under r, for polling.
func (w *watcher) scan(r *root) map[string]stamp {
	snap := make(map[string]stamp, len(r.snap))
	stack := []string{""}
	for len(stack) > 0 && !w.cancelled() {
		d := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		readDir(filepath.Join(r.path, d), func(de fs.DirEntry) {
			name := de.Name()
			if strings.HasPrefix(name, ".") {
				return
			}
			p := filepath.Join(d, name)
			if de.IsDir() {
				stack = append(stack, p)
				return
			}
			if !w.match(p) {
				return
			}
			// Info is an lstat: a link is stamped, never followed.
			if fi, err := de.Info(); err == nil {
				snap[p] = fileStamp(fi)
			}
		})
	}
	return snap
}

// rescan compares r's files with their stamps of the last rescan.
func (w *watcher) rescan(r *root) {
	snap := w.scan(r)
	for p, st := range snap {
		old, ok := r.snap[p]
		switch {
		case !ok:
			r.pend.created(p, w.now)
		case old != st:
			r.pend.changed(p, w.now)
		}
	}
	for p := range r.snap {
		if _, ok := snap[p]; !ok {
			r.pend.removed(p, w.now)
		}
	}
	r.snap = snap
}

// readNames calls visit with the name of each entry of dir, valid only
// during the call, and whether it is a directory (a link to one is not).
// The names are read raw where the system allows (see safefile.Dirents):
// a reader lists every directory it watches at each start, and a
// directory of 100,000 files then costs no allocation per file.
func readNames(dir string, visit func(name []byte, dir bool)) error {
	f, err := openDir(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = safefile.Dirents(f, make([]byte, 32<<10), func(name []byte, typ fs.FileMode) bool {
		visit(name, typ.IsDir())
		return true
	})
	return err
}

// readDir calls visit on each entry of dir, a chunk at a time, so that a
// directory of 100,000 entries is never held whole.
func readDir(dir string, visit func(fs.DirEntry)) error {
	f, err := openDir(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	for {
		ents, err := f.ReadDir(dirChunk)
		for _, d := range ents {
			visit(d)
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
