package wasi

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestPathLinkFollow: path_link with SYMLINK_FOLLOW on the old path links
// the file a symlink leads to, resolved inside the sandbox; without it,
// the symlink itself.
func TestPathLinkFollow(t *testing.T) {
	h, pub := sandbox(t)
	must(t, os.Symlink("in", filepath.Join(pub, "chain")))               // chain -> in -> file.txt
	must(t, os.Symlink("../file.txt", filepath.Join(pub, "sub", "rel"))) // relative to its own directory
	must(t, os.Symlink("up/file.txt", filepath.Join(pub, "sub", "via"))) // through sub/up -> ..
	must(t, os.Symlink("loop2", filepath.Join(pub, "loop1")))
	must(t, os.Symlink("loop1", filepath.Join(pub, "loop2")))
	target, err := os.Stat(filepath.Join(pub, "file.txt"))
	must(t, err)
	link := func(follow uint32, old, new string) Errno {
		p, n := h.str(old)
		q, m := h.str(new)
		return h.call("path_link", 3, follow, p, n, 3, q, m)
	}
	for _, old := range []string{"in", "chain", "sub/rel", "sub/via", "file.txt"} {
		newName := "hard-" + filepath.Base(old)
		if e := link(lookupFollow, old, newName); e != ESUCCESS {
			t.Errorf("path_link(follow, %q) = %v", old, e)
			continue
		}
		fi, err := os.Lstat(filepath.Join(pub, newName))
		if err != nil || !os.SameFile(fi, target) {
			t.Errorf("path_link(follow, %q) made %v (%v), not a link to file.txt", old, fi.Mode(), err)
		}
	}
	// Without the flag the symlink itself is linked (as linkat does).
	if e := link(0, "in", "hard-link"); e != ESUCCESS {
		t.Fatalf("path_link(%q) = %v", "in", e)
	}
	if fi, err := os.Lstat(filepath.Join(pub, "hard-link")); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("path_link without follow made %v (%v), want the symlink", fi.Mode(), err)
	}
	// Symlinks leading outside stay refused, and loops end.
	for old, want := range map[string]Errno{"out": ENOTCAPABLE, "abs": ENOTCAPABLE, "loop1": ELOOP, "missing": ENOENT} {
		if e := link(lookupFollow, old, "refused"); e != want {
			t.Errorf("path_link(follow, %q) = %v, want %v", old, e, want)
		}
		if _, err := os.Lstat(filepath.Join(pub, "refused")); err == nil {
			t.Fatalf("path_link(follow, %q) created the new name", old)
		}
	}
	if fi, err := os.Stat(filepath.Join(pub, "..", "secret")); err != nil || statOf(fi).nlink != 1 {
		t.Errorf("the file outside the sandbox gained a link")
	}
}

// TestPathFilestatSetTimesNoFollow: without SYMLINK_FOLLOW,
// path_filestat_set_times sets a symlink's own times, never its target's;
// with it, the target's.
func TestPathFilestatSetTimesNoFollow(t *testing.T) {
	h, pub := sandbox(t)
	t1 := time.Unix(1_000_000_000, 0)
	t2 := time.Unix(1_500_000_000, 0)
	mtime := func(name string) time.Time {
		t.Helper()
		fi, err := os.Lstat(filepath.Join(pub, name))
		must(t, err)
		return fi.ModTime()
	}
	setTimes := func(follow uint32, name string, mt time.Time) Errno {
		p, n := h.str(name)
		return h.call("path_filestat_set_times", 3, follow, p, n, uint64(0), uint64(mt.UnixNano()), fstMtim)
	}
	fileBefore := mtime("file.txt")
	secretBefore := mtime("../secret")
	for _, name := range []string{"in", "out", "abs", "sub/up", "sub/up/in"} {
		if e := setTimes(0, name, t1); e != ESUCCESS {
			t.Errorf("set_times(nofollow, %q) = %v", name, e)
		}
		if got := mtime(name); !got.Equal(t1) {
			t.Errorf("set_times(nofollow, %q): the link's mtime is %v, want %v", name, got, t1)
		}
	}
	if got := mtime("file.txt"); !got.Equal(fileBefore) {
		t.Errorf("set_times(nofollow) changed the target's mtime to %v", got)
	}
	if got := mtime("../secret"); !got.Equal(secretBefore) {
		t.Errorf("set_times(nofollow) changed the mtime of a file outside the sandbox")
	}
	// Following: the target changes, the link does not.
	if e := setTimes(lookupFollow, "in", t2); e != ESUCCESS {
		t.Fatalf("set_times(follow, in) = %v", e)
	}
	if !mtime("file.txt").Equal(t2) || !mtime("in").Equal(t1) {
		t.Errorf("set_times(follow, in): target %v, link %v", mtime("file.txt"), mtime("in"))
	}
	for _, tc := range []struct {
		follow uint32
		name   string
	}{
		{lookupFollow, "out"}, // following leads outside
		{lookupFollow, "abs"},
		{lookupFollow, ".."},
		{0, ".."},
		{0, "sub/../.."},
		{0, "out/"}, // a trailing slash follows
	} {
		if e := setTimes(tc.follow, tc.name, t2); e != ENOTCAPABLE {
			t.Errorf("set_times(%d, %q) = %v, want notcapable", tc.follow, tc.name, e)
		}
	}
	if got := mtime("../secret"); !got.Equal(secretBefore) {
		t.Errorf("set_times changed the mtime of a file outside the sandbox")
	}
	for _, name := range []string{".", "sub/..", "sub/", "file.txt"} {
		if e := setTimes(0, name, t2); e != ESUCCESS {
			t.Errorf("set_times(nofollow, %q) = %v", name, e)
		}
	}
}

// TestFdFilestatSetTimesFollowsTheFile: fd_filestat_set_times sets the
// open file's times even after it was renamed and its old name reused.
func TestFdFilestatSetTimesFollowsTheFile(t *testing.T) {
	h, pub := sandbox(t)
	fd, e := h.open(3, "file.txt", 0, rw, 0)
	if e != ESUCCESS {
		t.Fatalf("open: %v", e)
	}
	must(t, os.Rename(filepath.Join(pub, "file.txt"), filepath.Join(pub, "moved.txt")))
	must(t, os.WriteFile(filepath.Join(pub, "file.txt"), []byte("new"), 0o644))
	before, err := os.Stat(filepath.Join(pub, "file.txt"))
	must(t, err)
	mt := time.Unix(1_200_000_000, 0)
	if e := h.call("fd_filestat_set_times", fd, uint64(0), uint64(mt.UnixNano()), fstMtim); e != ESUCCESS {
		t.Fatalf("fd_filestat_set_times = %v", e)
	}
	if fi, err := os.Stat(filepath.Join(pub, "moved.txt")); err != nil || !fi.ModTime().Equal(mt) {
		t.Errorf("the open file's mtime is %v, want %v", fi.ModTime(), mt)
	}
	if fi, err := os.Stat(filepath.Join(pub, "file.txt")); err != nil || !fi.ModTime().Equal(before.ModTime()) {
		t.Errorf("the file now at the old name changed")
	}
	// A directory fd, the preopen included.
	if e := h.call("fd_filestat_set_times", 3, uint64(0), uint64(mt.UnixNano()), fstMtim); e != ESUCCESS {
		t.Errorf("fd_filestat_set_times on the preopen = %v", e)
	}
	if fi, err := os.Stat(pub); err != nil || !fi.ModTime().Equal(mt) {
		t.Errorf("the preopen's mtime is %v, want %v", fi.ModTime(), mt)
	}
}
