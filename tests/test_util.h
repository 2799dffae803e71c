// Helpers shared by the tests: temporary folders and the real corpus.
#ifndef TALKSEARCH_TESTS_TEST_UTIL_H_
#define TALKSEARCH_TESTS_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace talksearch::testing {

inline std::filesystem::path TestData() { return TALKSEARCH_TEST_DATA; }

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void WriteFile(const std::filesystem::path& path, std::string_view text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

// A fresh folder under the system's temporary directory, removed with the
// object.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    auto base = std::filesystem::temp_directory_path();
    for (;;) {
      path_ = base / ("talksearch-test-" + std::to_string(rd()));
      if (std::filesystem::create_directory(path_)) break;
    }
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct CommandOutput {
  std::string text;  // standard output (redirect 2>&1 in the command for both)
  int status = -1;   // as from pclose(): 0 is a clean exit 0
};

// Runs a shell command and collects what it prints.
inline CommandOutput RunCommand(const std::string& command) {
  CommandOutput out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.text.append(buf.data(), n);
  out.status = ::pclose(pipe);
  return out;
}

// The real corpus named by TALKSEARCH_CORPUS. Unset: the test is skipped,
// saying why. Set but missing: the test fails.
#define TALKSEARCH_REQUIRE_CORPUS(var)                                                  \
  std::filesystem::path var;                                                            \
  do {                                                                                  \
    const char* env_ = std::getenv("TALKSEARCH_CORPUS");                                \
    if (env_ == nullptr || *env_ == '\0')                                               \
      GTEST_SKIP() << "TALKSEARCH_CORPUS is not set: set it to a notes folder such as " \
                      "../shared/corpus/pydanny-event-notes to run the corpus tests";   \
    var = env_;                                                                         \
    ASSERT_TRUE(std::filesystem::is_directory(var))                                     \
        << "TALKSEARCH_CORPUS names " << var << ", which is not a folder";              \
  } while (0)

}  // namespace talksearch::testing

#endif  // TALKSEARCH_TESTS_TEST_UTIL_H_
