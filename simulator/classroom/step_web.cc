#include "simulator/classroom/step_web.h"

#include <sys/random.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "simulator/classroom/local_http.h"
#include "simulator/classroom/step_page.h"
#include "simulator/classroom/step_session.h"
#include "simulator/classroom/step_ui.h"
#include "simulator/text/terminal_width.h"
#include "simulator/text/translate.h"
#include "simulator/text/wrap.h"
#include "storage/posix_io.h"
#include "ticketsim/interrupt.h"

namespace ticketsim {
namespace {

// 128 random bits as 32 hex digits, from the kernel's generator.
std::string random_token() {
  unsigned char bytes[16];
  std::size_t got = 0;
  while (got < sizeof bytes) {
    ssize_t n = ::getrandom(bytes + got, sizeof bytes - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw SystemError(tr("getrandom"), "the step page's token", errno);
    got += static_cast<std::size_t>(n);
  }
  std::string token;
  for (unsigned char byte : bytes) token += fmt::format("{:02x}", byte);
  return token;
}

// Compares without stopping at the first difference, so timing tells nothing of the token.
bool same_token(const std::string& given, const std::string& token) {
  if (given.size() != token.size()) return false;
  unsigned char difference = 0;
  for (std::size_t i = 0; i < token.size(); ++i) {
    difference |= static_cast<unsigned char>(given[i] ^ token[i]);
  }
  return difference == 0;
}

nlohmann::json state_json(const StepSession& session, const std::string& message) {
  const ExperimentConfig& config = session.config();
  std::string status =
      trf("mode {} - {} x {} - store count: {}", mode_name(config.mode),
          counted(config.procs, "{} customer", "{} customers"),
          counted(config.attempts, "{} attempt", "{} attempts"), session.count_text());
  if (session.shows_lock()) {
    const int holder = session.lock_holder();
    status += holder < 0 ? tr(" - lock: free") : trf(" - lock: held by customer {}", holder + 1);
  }
  nlohmann::json lanes = nlohmann::json::array();
  for (const LaneView& lane : session.lanes()) {
    lanes.push_back(
        {{"customer", lane.customer},
         {"who", lane.ppid != 0 ? trf("customer {}: pid {} (parent {})", lane.customer + 1,
                                      lane.pid, lane.ppid)
                                : trf("customer {}: pid {} (exited)", lane.customer + 1, lane.pid)},
         {"next", lane.next},
         {"waiting", lane.waiting},
         {"finished", lane.finished},
         {"done", lane.done}});
  }
  return {{"status", status},
          {"lanes", lanes},
          {"message", message},
          {"all_done", session.all_done_text()},
          {"predict", session.predict()},
          {"shown", session.shown()}};
}

HttpResponse json_response(const nlohmann::json& json) {
  return HttpResponse{200, "application/json", json.dump()};
}

}  // namespace

int run_step_web(const ExperimentConfig& config, const StepWebOptions& options, int out_fd) {
  StepSession session(config, options.predict);
  LocalHttpServer server(options.port);
  const std::string token = random_token();
  const std::string host = fmt::format("127.0.0.1:{}", server.port());
  const std::string url = fmt::format("http://{}/?token={}", host, token);
  const int width = output_width();
  // The address alone on its line, never wrapped: a terminal must be able to open it as is.
  write_unless_interrupted(
      out_fd, wrap_text(tr("The classroom is at this address (this machine only; the token in it "
                           "is required):"),
                        width) +
                  url + "\n" +
                  wrap_text(tr("Stop it with the page's Quit button or Ctrl-C here."), width));
  std::string message = tr("Click a customer to let it take its next step.");
  std::string report;
  bool quit = false;
  auto handle = [&](const HttpRequest& request) -> HttpResponse {
    // Only this machine's pages, with this run's token: a page elsewhere that guesses the
    // port (DNS rebinding) sends another Host; another local user does not know the token.
    auto given = request.query.find("token");
    auto host_header = request.headers.find("host");
    std::string host_given = host_header == request.headers.end() ? "" : host_header->second;
    std::transform(host_given.begin(), host_given.end(), host_given.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (given == request.query.end() || !same_token(given->second, token) ||
        (host_given != host && host_given != fmt::format("localhost:{}", server.port()))) {
      return HttpResponse{403, "text/plain; charset=utf-8",
                          std::string(tr("Forbidden: this page needs the address ticketsim step "
                                         "--web printed, with its token.")) +
                              "\n"};
    }
    if (quit) return HttpResponse{404, "text/plain; charset=utf-8", "the session has ended\n"};
    const bool post = request.method == "POST";
    if (request.path == "/" && request.method == "GET") {
      return HttpResponse{200, "text/html; charset=utf-8", step_page_html()};
    }
    if (request.path == "/state" && request.method == "GET") {
      return json_response(state_json(session, message));
    }
    if (request.path == "/press" && post) {
      auto customer = request.query.find("customer");
      int index = -1;
      if (customer != request.query.end() && customer->second.size() == 1 &&
          customer->second[0] >= '0' && customer->second[0] <= '8') {
        index = customer->second[0] - '0';
      }
      message = session.press(index);
      return json_response(state_json(session, message));
    }
    if (request.path == "/undo" && post) {
      message = session.undo();
      return json_response(state_json(session, message));
    }
    if (request.path == "/reveal" && post) {
      message = session.toggle_reveal();
      return json_response(state_json(session, message));
    }
    if (request.path == "/quit" && post) {
      quit = true;
      report = session.finish(width, false, 0);
      return json_response({{"report", report}});
    }
    return HttpResponse{404, "text/plain; charset=utf-8", "not found\n"};
  };
  while (!quit && interrupt_signal() == 0) server.serve(100, handle);
  if (!quit) report = session.finish(width, false, interrupt_signal());
  write_unless_interrupted(out_fd, "\n" + report);
  const int interrupted_by = interrupt_signal();
  return interrupted_by != 0 ? 128 + interrupted_by : 0;
}

}  // namespace ticketsim
