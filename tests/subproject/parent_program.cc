// The parent project's own program, linking ticketsim::ticketsim from the subproject.
#include <ticketsim/version.h>

int main() { return ticketsim::kVersion[0] != '\0' ? 0 : 1; }
