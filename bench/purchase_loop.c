/* The whole-process floor for ticketsim's purchase loop: PROCS processes each make PURCHASES
 * purchases from one JSON store ({"count":N}, as ticketsim's fresh store), each purchase
 *   flock(LOCK_EX) on a lock file; pread the store; find "count" and strtoll it;
 *   format count - 1 in place of the old number; pwrite; ftruncate only when the text
 *   shrank; flock(LOCK_UN).
 * The store starts with PROCS x PURCHASES tickets, so every purchase writes. Every process
 * opens its own descriptors after fork (a flock inherited across fork excludes nothing).
 * The store lives in a private mkdtemp directory under $TMPDIR (or /tmp), removed at the end.
 * Exits 0 only when the final count is 0. Built with plain `cc -O2` defaults.
 *
 * usage: purchase_loop PROCS PURCHASES */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static char store_path[4096];
static char lock_path[4096];

/* Parses the count out of `text` (NUL-terminated) and points number_begin and number_end
 * around its digits. Returns 0 on success. */
static int parse_count(const char* text, long long* count, const char** number_begin,
                       const char** number_end) {
  const char* key = strstr(text, "\"count\"");
  if (key == NULL) return -1;
  const char* p = key + 7;
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') ++p;
  if (*p++ != ':') return -1;
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') ++p;
  char* end = NULL;
  errno = 0;
  *count = strtoll(p, &end, 10);
  if (end == p || errno != 0) return -1;
  *number_begin = p;
  *number_end = end;
  return 0;
}

static void customer(int purchases) {
  int store_fd = open(store_path, O_RDWR);
  int lock_fd = open(lock_path, O_RDWR);
  if (store_fd < 0 || lock_fd < 0) _exit(1);
  char text[4096];
  char out[4096];
  for (int i = 0; i < purchases; ++i) {
    if (flock(lock_fd, LOCK_EX) != 0) _exit(1);
    ssize_t n = pread(store_fd, text, sizeof text - 1, 0);
    if (n <= 0) _exit(1);
    text[n] = '\0';
    long long count;
    const char* begin;
    const char* end;
    if (parse_count(text, &count, &begin, &end) != 0) _exit(1);
    if (count <= 0) _exit(1); /* sold out: the loop was given too few tickets */
    size_t prefix = (size_t)(begin - text);
    memcpy(out, text, prefix);
    int digits = snprintf(out + prefix, sizeof out - prefix, "%lld", count - 1);
    size_t suffix = (size_t)(text + n - end);
    if (digits < 0 || prefix + (size_t)digits + suffix > sizeof out) _exit(1);
    memcpy(out + prefix + (size_t)digits, end, suffix);
    size_t size = prefix + (size_t)digits + suffix;
    if (pwrite(store_fd, out, size, 0) != (ssize_t)size) _exit(1);
    if ((ssize_t)size < n && ftruncate(store_fd, (off_t)size) != 0) _exit(1);
    if (flock(lock_fd, LOCK_UN) != 0) _exit(1);
  }
  _exit(0);
}

static long parse_positive(const char* program, const char* text) {
  char* end = NULL;
  long value = strtol(text, &end, 10);
  if (*end != '\0' || value <= 0) {
    fprintf(stderr, "%s: not a positive number: %s\n", program, text);
    exit(2);
  }
  return value;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s PROCS PURCHASES\n", argv[0]);
    return 2;
  }
  long procs = parse_positive(argv[0], argv[1]);
  long purchases = parse_positive(argv[0], argv[2]);

  const char* tmp = getenv("TMPDIR");
  char directory[2048];
  int length =
      snprintf(directory, sizeof directory, "%s/purchase_loop.XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (length < 0 || (size_t)length >= sizeof directory) {
    fprintf(stderr, "%s: $TMPDIR is too long\n", argv[0]);
    return 1;
  }
  if (mkdtemp(directory) == NULL) {
    perror("mkdtemp");
    return 1;
  }
  snprintf(store_path, sizeof store_path, "%s/store.json", directory);
  snprintf(lock_path, sizeof lock_path, "%s/store.json.lock", directory);

  int ok = 0;
  int store_fd = open(store_path, O_RDWR | O_CREAT | O_EXCL, 0644);
  int lock_fd = open(lock_path, O_RDWR | O_CREAT | O_EXCL, 0644);
  if (store_fd >= 0 && lock_fd >= 0) {
    char text[64];
    int size = snprintf(text, sizeof text, "{\"count\":%lld}\n", (long long)procs * purchases);
    if (pwrite(store_fd, text, (size_t)size, 0) == size) ok = 1;
  }
  if (lock_fd >= 0) close(lock_fd);

  long started = 0;
  for (; ok && started < procs; ++started) {
    pid_t pid = fork();
    if (pid == 0) customer((int)purchases);
    if (pid < 0) {
      perror("fork");
      ok = 0;
      break;
    }
  }
  long failed = 0;
  for (;;) {
    int status;
    pid_t pid = waitpid(-1, &status, 0);
    if (pid > 0) {
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failed;
    } else if (errno != EINTR) {
      break;
    }
  }

  long long final_count = -1;
  if (ok && store_fd >= 0) {
    char text[4096];
    ssize_t n = pread(store_fd, text, sizeof text - 1, 0);
    const char* begin;
    const char* end;
    if (n > 0) {
      text[n] = '\0';
      if (parse_count(text, &final_count, &begin, &end) != 0) final_count = -1;
    }
  }
  if (store_fd >= 0) close(store_fd);
  unlink(store_path);
  unlink(lock_path);
  rmdir(directory);

  if (!ok || failed != 0 || final_count != 0) {
    fprintf(stderr, "%s: %ld of %ld processes failed; final count %lld (expected 0)\n", argv[0],
            failed, started, final_count);
    return 1;
  }
  return 0;
}
