#include "simulator/classroom/demo_text.h"

#include "simulator/text/translate.h"

namespace ticketsim {

DemoText demo_text() {
  DemoText text;
  text.title = tr("ticketsim demo: the ticket-grabbing program from the lesson");
  text.setup =
      tr("{procs} customers, each a child process of pid {parent}, want the last ticket. The "
         "store is a JSON file: {store}");
  text.act1 = tr("Act 1 - everyone searches");
  text.searched = tr("customer {n:>2} (pid {pid}, ppid {ppid}) searched: {count} left");
  text.act2 = tr("Act 2 - everyone buys, with no lock");
  text.act2_how =
      tr("Each customer reads the count, thinks, then writes count - 1. Nobody waits for "
         "anybody: here all of them read before any of them writes.");
  text.bought =
      tr("customer {n:>2} (pid {pid}, ppid {ppid}) read count={read}, wrote count={wrote}: "
         "bought a ticket!");
  text.sold_out = tr("customer {n:>2} (pid {pid}, ppid {ppid}): sold out");
  text.oversold = tr("{sold} tickets sold, but the store held {tickets}: {oversold} oversold.");
  text.witness = tr("The witnesses (times from the start of act 2):");
  text.explored =
      tr("That was one way for the customers to take turns. Of all {total} ways {shown} "
         "customers can interleave their steps, {oversell} oversell (ticketsim explore ran "
         "{schedules} of them on real processes in {seconds:.1f} s; the others only reorder "
         "steps that do not touch the same thing).");
  text.act3 = tr("Act 3 - the same, with a lock");
  text.act3_how =
      tr("Every customer tries to buy at once. The one that gets the lock goes on; every other "
         "one sleeps in the lock's queue (the kernel does not let it run) until the holder "
         "releases the lock, and then the kernel wakes the next one, one at a time.");
  text.locked =
      tr("{mode:<13} sold {sold}, oversold {oversold}; {waits} purchases waited in the lock's "
         "queue");
  text.act4 = tr("Act 4 - one at a time (start, then join)");
  text.joined =
      tr("join: each customer started only after the previous one exited: sold {sold}, "
         "oversold {oversold}");
  text.act5 =
      tr("Act 5 - what safety cost. The same {procs} customers with the lesson's times at "
         "1/100 ({search} of network latency before each search, {latency} of thinking between "
         "reading and writing, {hold} holding the store after buying), run freely by the "
         "operating system:");
  text.cost_mode = tr("mode");
  text.cost_sold = tr("sold");
  text.cost_oversold = tr("oversold");
  text.cost_wall = tr("wall ms");
  text.moral =
      tr("To keep the data safe we pay with time: {mode} took {ratio:.1f}x as long as no lock, "
         "and sold exactly what there was.");
  text.pause = tr("(Enter: continue, q: quit)");
  text.end = tr("End of the demo. ticketsim run, compare and step take it from here.");
  return text;
}

}  // namespace ticketsim
