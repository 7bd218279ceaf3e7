#include "feed/feed_test_support.h"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>

namespace feedd::test {

std::string quote(const std::string& arg) {
    std::string out = "'";
    for (const char c : arg) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out += c;
        }
    }
    out += "'";
    return out;
}

CommandResult run_command(const std::string& command) {
    CommandResult result;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (!pipe) return result;
    std::array<char, 4096> buf;
    size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0)
        result.output.append(buf.data(), n);
    const int status = ::pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

std::filesystem::path write_temp(const std::string& name, const std::string& bytes) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                      ("feedd-feed-tests-" + std::to_string(::getpid())) /
                                      (std::string(info->test_suite_name()) + "." + info->name());
    std::filesystem::create_directories(dir);
    const std::filesystem::path file = dir / name;
    std::ofstream(file, std::ios::binary) << bytes;
    return file;
}

::testing::AssertionResult have_program(const std::string& program, const std::string& package) {
    if (::access(program.c_str(), X_OK) == 0) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << program << " is missing: install the Debian package "
                                         << package << " (make deps does it)";
}

}  // namespace feedd::test
