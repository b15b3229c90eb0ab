/* The whole-process floor for one child process per customer: forks N children that
 * _exit(0) at once, all started before any is reaped (as a ticketsim trial starts its
 * customers), then reaps them all. Built with plain `cc -O2` defaults (dynamically
 * linked, lazy binding), as any small C program is.
 *
 * usage: fork_reap N */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s CHILDREN\n", argv[0]);
    return 2;
  }
  char* end = NULL;
  long children = strtol(argv[1], &end, 10);
  if (*end != '\0' || children < 0) {
    fprintf(stderr, "%s: not a number of children: %s\n", argv[0], argv[1]);
    return 2;
  }
  long started = 0;
  for (; started < children; ++started) {
    pid_t pid = fork();
    if (pid == 0) _exit(0);
    if (pid < 0) {
      perror("fork");
      break;
    }
  }
  long reaped = 0;
  for (;;) {
    int status;
    pid_t pid = waitpid(-1, &status, 0);
    if (pid > 0) {
      ++reaped;
    } else if (errno != EINTR) {
      break;
    }
  }
  if (started != children || reaped != children) {
    fprintf(stderr, "%s: started %ld, reaped %ld of %ld children\n", argv[0], started, reaped,
            children);
    return 1;
  }
  return 0;
}
