#include "simulator/classroom/demo_text.h"

namespace ticketsim {
namespace {

constexpr DemoText kEnglish{
    "ticketsim demo: the ticket-grabbing program from the lesson",
    "{procs} customers, each a child process of pid {parent}, want the last ticket.\n"
    "The store is a JSON file: {store}",
    "Act 1 - everyone searches",
    "  customer {n:>2} (pid {pid}, parent {ppid}) searched: {count} ticket(s) left",
    "Act 2 - everyone buys, with no lock",
    "Each customer reads the count, thinks, then writes count - 1. Nobody waits for anybody:\n"
    "here all of them read before any of them writes.",
    "  customer {n:>2} (pid {pid}, parent {ppid}) read count={read}, wrote count={wrote}: "
    "bought a ticket!",
    "  customer {n:>2} (pid {pid}, parent {ppid}): sold out",
    "{sold} tickets sold for {tickets} seat(s): {oversold} oversold.",
    "The witness:",
    "  pid {a} and pid {b} both read count={read} ({ta:.2f} ms, {tb:.2f} ms); {b} wrote "
    "count={wrote} at {twb:.2f} ms over {a}'s count={wrote} at {twa:.2f} ms: one ticket sold "
    "twice",
    "  ticket {ticket} was sold {times} times: pids {pids}",
    "Act 3 - the same, with a lock",
    "Every customer tries to buy at once; whoever does not get the lock is blocked and tries "
    "again.",
    "  {mode:<13} sold {sold}, oversold {oversold}; {blocked} attempts were blocked by the lock",
    "Act 4 - one at a time: start, then join",
    "  join: each customer started only after the previous one exited: sold {sold}, "
    "oversold {oversold}",
    "Act 5 - what safety cost\n"
    "The same {procs} customers with {latency} of network time per purchase, run freely by the "
    "operating system:",
    "  mode           sold  oversold   wall ms",
    "  {mode:<13} {sold:>5} {oversold:>9} {wall:>9.1f}",
    "To keep the data safe we pay with time: {mode} took {ratio:.1f}x as long as no lock, and "
    "sold exactly what there was.",
    "(press Enter to continue)",
    "End of the demo. ticketsim run, compare and step take it from here.",
};

constexpr DemoText kChinese{
    "ticketsim 演示：课上的抢票小程序",
    "{procs} 个顾客，每个都是进程 {parent} 的子进程，都想抢最后一张票。\n票存在一个 JSON "
    "文件里：{store}",
    "第一幕：大家都来查票",
    "  顾客{n:>2}（进程 {pid}，父进程 {ppid}）查票：还剩{count}张",
    "第二幕：大家都来买票，不加锁",
    "每个顾客先读余票，想一想，再写回 余票-1。谁也不等谁：\n这里所有人都先读完，才有人写。",
    "  顾客{n:>2}（进程 {pid}，父进程 {ppid}）读到余票{read}，写回{wrote}：抢票成功",
    "  顾客{n:>2}（进程 {pid}，父进程 {ppid}）：票已经售空啦!!",
    "卖出 {sold} 张票，座位只有 {tickets} 个：超卖 {oversold} 张。",
    "证据：",
    "  进程 {a} 和进程 {b} 都读到余票{read}（{ta:.2f} 毫秒，{tb:.2f} 毫秒）；{b} 在 {twb:.2f} "
    "毫秒写回"
    "{wrote}，盖掉了 {a} 在 {twa:.2f} 毫秒写的{wrote}：同一张票卖了两次",
    "  第{ticket}张票卖了 {times} 次：进程 {pids}",
    "第三幕：同样的事，加锁",
    "所有顾客同时来买；没拿到锁的被挡住，稍后再试。",
    "  {mode:<13} 卖出 {sold} 张，超卖 {oversold} 张；{blocked} 次被锁挡住",
    "第四幕：一个一个来：start 之后 join",
    "  join：上一个进程结束，下一个才开始：卖出 {sold} 张，超卖 {oversold} 张",
    "第五幕：安全的代价\n同样 {procs} 个顾客，每次买票有 {latency} 的网络时间，交给操作系统调度：",
    "  模式           卖出      超卖   耗时(毫秒)",
    "  {mode:<13} {sold:>5} {oversold:>9} {wall:>9.1f}",
    "为了保证数据的安全，要牺牲掉效率：{mode} 用的时间是不加锁的 {ratio:.1f} "
    "倍，一张票也没有多卖。",
    "（按回车继续）",
    "演示结束。接下来可以试试 ticketsim run、compare 和 step。",
};

}  // namespace

const DemoText* demo_text(std::string_view lang) {
  if (lang == "en") return &kEnglish;
  if (lang == "zh") return &kChinese;
  return nullptr;
}

}  // namespace ticketsim
