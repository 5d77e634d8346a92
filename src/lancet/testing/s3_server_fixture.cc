// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/testing/s3_server_fixture.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <vector>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "lancet/io/s3/http_internal.h"

extern char** environ;

namespace lancet::testing {

namespace {

bool IsSourceDir(const std::filesystem::path& dir) {
  std::error_code ec;
  return std::filesystem::exists(dir / "tests" / "s3" / "server.mjs", ec);
}

}  // namespace

Result<std::string> LancetSourceDir() {
  if (const char* env = std::getenv("LANCET_SOURCE_DIR"); env != nullptr && *env) {
    if (IsSourceDir(env)) return std::string(env);
  }
  std::error_code ec;
  std::vector<std::filesystem::path> starts = {std::filesystem::current_path(ec)};
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) starts.push_back(exe.parent_path());
  for (std::filesystem::path dir : starts) {
    for (int i = 0; i < 8 && !dir.empty(); ++i) {
      if (IsSourceDir(dir)) return dir.string();
      if (dir == dir.parent_path()) break;
      dir = dir.parent_path();
    }
  }
  return Status::NotFound(
      "cannot find the lancet source tree (tests/s3/server.mjs); set LANCET_SOURCE_DIR");
}

Result<std::unique_ptr<S3TestServer>> S3TestServer::Start(StartOptions options) {
  LANCET_ASSIGN_OR_RETURN(std::string src, LancetSourceDir());
  std::string script = src + "/tests/s3/server.mjs";
  if (!std::filesystem::exists(src + "/tests/s3/node_modules/s3rver")) {
    return Status::NotFound("s3rver is not installed: run `npm ci` in " + src + "/tests/s3");
  }
  int in_pipe[2];
  int out_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0) return Status::IOError("pipe failed");
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    close(in_pipe[0]);
    close(in_pipe[1]);
    return Status::IOError("pipe failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  std::vector<std::string> args = {"node", script, "--exit-on-stdin-close"};
  if (!options.verify_signatures) args.push_back("--no-verify-signatures");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, "node", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(in_pipe[0]);
  close(out_pipe[1]);
  if (rc != 0) {
    close(in_pipe[1]);
    close(out_pipe[0]);
    return Status::IOError("cannot start node (is it on PATH?): " + std::string(strerror(rc)));
  }
  std::unique_ptr<S3TestServer> server(new S3TestServer());
  server->pid_ = pid;
  server->stdin_fd_ = in_pipe[1];

  // Read the ready line.
  std::string line;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options.ready_timeout_ms);
  bool done = false;
  while (!done) {
    int remaining = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         deadline - std::chrono::steady_clock::now())
                                         .count());
    if (remaining <= 0) break;
    pollfd p{out_pipe[0], POLLIN, 0};
    int n = poll(&p, 1, remaining);
    if (n <= 0) continue;
    char buf[4096];
    ssize_t got = read(out_pipe[0], buf, sizeof(buf));
    if (got <= 0) break;  // the server exited
    for (ssize_t i = 0; i < got; ++i) {
      if (buf[i] == '\n') {
        done = true;
        break;
      }
      line.push_back(buf[i]);
    }
  }
  close(out_pipe[0]);
  if (!done) {
    (void)server->Stop();
    return Status::IOError("the S3 test server did not become ready (got '" + line + "')");
  }
  nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    (void)server->Stop();
    return Status::IOError("the S3 test server printed no JSON: " + line);
  }
  S3ServerInfo& info = server->info_;
  info.endpoint = j.value("endpoint", "");
  info.bucket = j.value("bucket", "");
  info.region = j.value("region", "");
  info.access_key_id = j.value("access_key_id", "");
  info.secret_access_key = j.value("secret_access_key", "");
  info.control = j.value("control", "");
  info.backend = j.value("backend", "");
  info.data_dir = j.value("data_dir", "");
  info.json = line;
  return server;
}

S3TestServer::~S3TestServer() { (void)Stop(); }

Status S3TestServer::Stop() {
  if (stdin_fd_ >= 0) {
    close(stdin_fd_);
    stdin_fd_ = -1;
  }
  if (pid_ <= 0) return Status::OK();
  kill(pid_, SIGTERM);
  for (int i = 0; i < 100; ++i) {
    int wstatus = 0;
    pid_t r = waitpid(pid_, &wstatus, WNOHANG);
    if (r == pid_ || r < 0) {
      pid_ = -1;
      return Status::OK();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
  return Status::OK();
}

io::S3Options S3TestServer::Options() const {
  io::S3Options o;
  o.bucket = info_.bucket;
  o.endpoint = info_.endpoint;
  o.region = info_.region;
  o.allow_http = true;
  o.path_style = true;
  o.access_key_id = info_.access_key_id;
  o.secret_access_key = info_.secret_access_key;
  o.connect_timeout_ms = 5000;
  o.request_timeout_ms = 30000;
  o.retry.max_retries = 5;
  o.retry.initial_backoff_ms = 5;
  o.retry.max_backoff_ms = 50;
  return o;
}

std::string S3TestServer::Uri(const std::string& prefix, const std::string& extra_query) const {
  std::string p = prefix.empty() || prefix[0] != '/' ? "/" + prefix : prefix;
  std::string uri = "s3://" + info_.bucket + p + "?endpoint=" + info_.endpoint +
                    "&allow_http=true&path_style=true&region=" + info_.region +
                    "&access_key_id=" + info_.access_key_id +
                    "&secret_access_key=" + info_.secret_access_key +
                    "&initial_backoff_ms=5&max_backoff_ms=50";
  if (!extra_query.empty()) uri += "&" + extra_query;
  return uri;
}

Result<std::string> S3TestServer::Control(const std::string& method, const std::string& path,
                                          const std::string& body) const {
  io::s3::internal::HttpRequest req;
  req.method = method;
  req.url = info_.control + path;
  req.body = body;
  if (!body.empty()) req.headers = {{"content-type", "application/json"}};
  req.timeout_ms = 10000;
  io::s3::internal::HttpResponse r = io::s3::internal::PerformHttp(req);
  if (r.status != 200) {
    return Status::IOError("S3 test server control " + path + " failed: " +
                           (r.status ? "HTTP " + std::to_string(r.status) : r.transport_error));
  }
  return std::move(r.body);
}

Result<std::string> S3TestServer::StatsJson() const { return Control("GET", "stats", ""); }

Status S3TestServer::ResetStats() const { return Control("POST", "reset", "").status(); }

Status S3TestServer::SetFaults(const std::string& json) const {
  return Control("POST", "faults", json).status();
}

Result<S3TestServer*> SharedS3TestServer() {
  static std::mutex mu;
  static S3TestServer* server = nullptr;
  static Status failure;
  std::lock_guard<std::mutex> lock(mu);
  if (server != nullptr) return server;
  if (!failure.ok()) return failure;
  Result<std::unique_ptr<S3TestServer>> r = S3TestServer::Start();
  if (!r.ok()) {
    failure = r.status();
    return failure;
  }
  server = r->release();
  // Stop it when the process exits normally (it also exits when our stdin pipe closes).
  std::atexit([] {
    delete server;  // stops it
    server = nullptr;
  });
  return server;
}

}  // namespace lancet::testing
