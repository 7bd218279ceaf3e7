// Test support: run feedd (or any program) as a child process and read what it prints.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace feedd::test {

struct RunResult {
    int exit_code = -1;  // -1 when killed by a signal
    std::string out;
    std::string err;
};

// Runs a program to completion and captures its stdout and stderr.
RunResult run_program(const std::vector<std::string>& argv);

// A long-running child whose stderr is read line by line (feedd logs to stderr).
class ChildProcess {
  public:
    // `environment` entries ("NAME=value") are added to (or override) this process's environment.
    explicit ChildProcess(const std::vector<std::string>& argv,
                          const std::vector<std::string>& environment = {});
    ~ChildProcess();  // SIGKILLs the child if it is still running
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const { return pid_; }
    // Reads stderr until a line contains `needle`; returns that line, or "" on timeout/EOF.
    std::string wait_for_line(const std::string& needle, std::chrono::milliseconds timeout);
    // Makes the stderr pipe hold only `bytes` (at least a page): a test that stops reading it then
    // sees the child's writes fill it after a few lines. Reads what is waiting first, so the
    // pipe holds less than that; false if the kernel still refused. Also gives it back its size.
    bool resize_stderr_pipe(int bytes);
    // Everything read from stderr so far.
    const std::string& stderr_text() const { return err_; }
    void signal(int sig);
    // Waits for exit; returns the exit code, -1 if killed by a signal, -2 on timeout.
    int wait(std::chrono::milliseconds timeout);

  private:
    pid_t pid_ = -1;
    int err_fd_ = -1;
    std::string err_;
    std::size_t scanned_ = 0;
    bool exited_ = false;
    int exit_code_ = -1;
};

// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

void write_file(const std::filesystem::path& path, const std::string& bytes);
std::string read_file(const std::filesystem::path& path);

}  // namespace feedd::test
