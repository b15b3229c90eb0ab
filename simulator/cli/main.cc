// ticketsim's entry point; everything else lives in the ticketsim_core library.
#include "simulator/cli/cli.h"

int main(int argc, char** argv) { return ticketsim::run_cli(argc, argv); }
