/* The node's sandbox ("pause") image: PID 1 of every Pod's sandbox, holding
 * its namespaces. It sleeps until SIGTERM/SIGINT (then exits 0, so a Pod stops
 * at once instead of waiting out its grace period) and reaps orphans, which it
 * inherits when a Pod shares its process namespace. Static, so the image needs
 * nothing else. */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void stop(int sig) {
  (void)sig;
  _exit(0);
}

static void reap(int sig) {
  (void)sig;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
}

int main(void) {
  struct sigaction term = {.sa_handler = stop};
  struct sigaction child = {.sa_handler = reap, .sa_flags = SA_NOCLDSTOP};
  sigaction(SIGTERM, &term, NULL);
  sigaction(SIGINT, &term, NULL);
  sigaction(SIGCHLD, &child, NULL);
  for (;;) pause();
  return 0;
}
