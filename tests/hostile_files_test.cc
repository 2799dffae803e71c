// The real indexer over a notes folder full of files that try to break it: a
// FIFO, symlink loops, files that vanish or shrink while being read, random
// bytes, invalid UTF-8, a 50 MB note, a 10 MB line, 60 nested folders...
// Each bad one is reported on stderr with its path and reason and skipped,
// every other note is indexed, the run exits 0, and a command timeout (not a
// timing assertion) bounds it.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xapian.h>

#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "process_util.h"
#include "talksearch/schema.h"
#include "test_util.h"

namespace talksearch {
namespace {

namespace fs = std::filesystem;
using testing::ReadFile;
using testing::WriteFile;

// What a row expects of the indexer.
enum class Expect {
  kIndexed,   // its talk is in the index (possibly with a repair reported)
  kSkipped,   // reported as "<path>: skipped: <reason>" and not in the index
  kNotThere,  // not in the index, never read (a loop walked once)
};

struct Row {
  const char* what;
  std::string path;  // relative to the notes folder
  Expect expect;
  const char* message;  // a part of what stderr says of it ("" for nothing)
  // Makes the file; returns "" or why the row cannot run here.
  std::function<std::string(const fs::path& file)> make;
};

std::string Talk(const std::string& title, const std::string& body) {
  std::string line(title.size(), '=');
  return line + "\n" + title + "\n" + line + "\n\nby Ada Lovelace\n\n" + body + "\n";
}

std::string Write(const fs::path& file, const std::string& text) {
  WriteFile(file, text);
  return "";
}

std::string RandomBytes(std::size_t n) {
  std::mt19937 rng(7);
  std::string bytes(n, '\0');
  for (char& c : bytes) c = static_cast<char>(rng() & 0xff);
  return bytes;
}

std::string DeepPath(int depth, const std::string& name, const std::string& file) {
  std::string path;
  for (int i = 0; i < depth; ++i) path += name + "/";
  return path + file;
}

std::vector<Row> Rows() {
  const std::string deep = DeepPath(60, "d", "deep.rst");
  const std::string too_long = DeepPath(12, "a-rather-long-folder-name", "far.rst");
  return {
      {"a plain note", "good/plain.rst", Expect::kIndexed, "",
       [](const fs::path& f) { return Write(f, Talk("Plain talk", "* gevent and greenlets")); }},
      {"a FIFO named .rst", "fifo.rst", Expect::kSkipped, "not a regular file",
       [](const fs::path& f) { return ::mkfifo(f.c_str(), 0644) == 0 ? "" : "mkfifo failed"; }},
      {"a socket named .rst", "socket.rst", Expect::kSkipped, "not a regular file",
       [](const fs::path& f) -> std::string {
         int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
         sockaddr_un addr{};
         addr.sun_family = AF_UNIX;
         if (f.string().size() >= sizeof addr.sun_path) return "socket path too long";
         strncpy(addr.sun_path, f.c_str(), sizeof addr.sun_path - 1);
         int ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
         ::close(fd);
         return ok == 0 ? "" : "bind failed";
       }},
      {"a symlink to itself", "loop.rst", Expect::kSkipped, "symbolic links",
       [](const fs::path& f) {
         fs::create_symlink("loop.rst", f);
         return "";
       }},
      {"two symlinks to each other", "ping.rst", Expect::kSkipped, "symbolic links",
       [](const fs::path& f) {
         fs::create_symlink("pong.rst", f);
         fs::create_symlink("ping.rst", f.parent_path() / "pong.rst");
         return "";
       }},
      {"a folder symlink back to its parent", "cycle/up/cycle/note.rst", Expect::kNotThere,
       "already walked",
       [](const fs::path& f) {
         fs::path cycle = f.parent_path().parent_path().parent_path();
         WriteFile(cycle / "note.rst", Talk("Cycle talk", "* inside the cycle"));
         fs::create_symlink("..", cycle / "up");
         return "";
       }},
      {"a dangling symlink", "dangling.rst", Expect::kSkipped, "No such file",
       [](const fs::path& f) {
         fs::create_symlink("nowhere.rst", f);
         return "";
       }},
      {"a folder named .rst", "folder.rst/inside.rst", Expect::kIndexed, "",
       [](const fs::path& f) { return Write(f, Talk("Inside talk", "* in a folder.rst")); }},
      {"an unreadable file", "unreadable.rst", Expect::kSkipped, "Permission denied",
       [](const fs::path& f) -> std::string {
         WriteFile(f, Talk("Secret talk", "* hidden"));
         fs::permissions(f, fs::perms::none);
         int fd = ::open(f.c_str(), O_RDONLY);
         if (fd < 0) return "";
         ::close(fd);
         return "running as root, chmod 000 does not stop reads";
       }},
      {"a read that fails half way (/proc/self/mem)", "proc-mem.rst", Expect::kSkipped,
       "Input/output error",
       [](const fs::path& f) {
         fs::create_symlink("/proc/self/mem", f);
         return "";
       }},
      {"a file deleted while being read", "vanishes-while-read.rst", Expect::kSkipped,
       "deleted while being read",
       [](const fs::path& f) { return Write(f, Talk("Vanishing talk", "* soon gone")); }},
      // Read again once it stopped changing: indexed as it is now (empty).
      {"a file truncated while being read", "shrinks-while-read.rst", Expect::kIndexed, "",
       [](const fs::path& f) {
         return Write(f, Talk("Shrinking talk", std::string(200000, 'x')));
       }},
      {"random bytes named .rst", "random.rst", Expect::kSkipped, "binary",
       [](const fs::path& f) { return Write(f, RandomBytes(1 << 16)); }},
      {"invalid UTF-8", "latin1.rst", Expect::kIndexed, "invalid UTF-8 repaired",
       [](const fs::path& f) {
         return Write(f, Talk("Caf\xe9 talk", "* na\xefve \xff\xfe \xc3 bytes\n* \xed\xa0\x80"));
       }},
      {"an empty file", "empty.rst", Expect::kIndexed, "",
       [](const fs::path& f) { return Write(f, ""); }},
      {"NUL bytes", "nul.rst", Expect::kIndexed, "",
       [](const fs::path& f) {
         return Write(f, Talk("Nul talk", std::string("* some\0text\0\0here", 17)));
       }},
      {"a 50 MB note (over the default 8 MiB limit)", "huge.rst", Expect::kSkipped,
       "over the size limit",
       [](const fs::path& f) {
         std::string body;
         body.reserve(50u << 20);
         while (body.size() < (50u << 20)) body += "* a line about gevent greenlets and sockets\n";
         return Write(f, Talk("Huge talk", body));
       }},
      {"a 10 MB line (over the default 8 MiB limit)", "long-line.rst", Expect::kSkipped,
       "over the size limit",
       [](const fs::path& f) {
         std::string line;
         line.reserve(10u << 20);
         while (line.size() < (10u << 20)) line += "word ";
         return Write(f, Talk("Long line talk", line));
       }},
      {"folders nested 60 deep", deep, Expect::kIndexed, "",
       [](const fs::path& f) { return Write(f, Talk("Deep talk", "* far down")); }},
      {"a path too long for the index", too_long, Expect::kSkipped, "path too long",
       [](const fs::path& f) { return Write(f, Talk("Far talk", "* very far down")); }},
      {"thousands of headings", "headings.rst", Expect::kIndexed, "",
       [](const fs::path& f) {
         std::string text = Talk("Many headings", "* the first");
         for (int i = 0; i < 5000; ++i) {
           std::string title = "Heading " + std::to_string(i);
           const char* adornment = i % 2 ? "-" : "~";
           text += "\n" + title + "\n" + std::string(title.size(), *adornment) + "\n\ntext " +
                   std::to_string(i) + "\n";
         }
         return Write(f, text);
       }},
      {"a file name that is not UTF-8", "bad-\xff-name.rst", Expect::kIndexed, "",
       [](const fs::path& f) { return Write(f, Talk("Odd name talk", "* odd name")); }},
      {"a file name with a newline", "new\nline.rst", Expect::kIndexed, "",
       [](const fs::path& f) { return Write(f, Talk("Newline talk", "* newline name")); }},
  };
}

struct IndexRun {
  int status = -1;  // wait status of the command
  std::string out;  // its standard output
  std::string err;  // its standard error
};

// Runs the indexer on `notes` under a command timeout, with the library that
// changes files while they are read.
IndexRun Index(const fs::path& base, const fs::path& notes, const std::string& extra) {
  fs::path err = base / "stderr.txt";
  std::string command =
      "ASAN_OPTIONS=\"${ASAN_OPTIONS:-}:verify_asan_link_order=0\" "
      "LD_PRELOAD=" TALKSEARCH_FILE_RACE_PRELOAD " timeout -k 10 600 " +
      testing::IndexerBinary().string() + " --threads 2 --db " + (base / "db").string() + " " +
      extra + " " + notes.string() + " 2>" + err.string();
  testing::CommandOutput out = testing::RunCommand(command);
  return {out.status, out.text, ReadFile(err)};
}

bool InIndex(const fs::path& db, const std::string& path) {
  return Xapian::Database(db.string()).term_exists(schema::IdTerm(path, 0));
}

TEST(HostileFilesTest, ReportsAndSkipsEachBadFileAndIndexesTheRest) {
  testing::TempDir dir;
  const fs::path notes = dir.path() / "notes";
  fs::create_directories(notes);
  std::vector<Row> rows;
  for (Row& row : Rows()) {
    std::string why_not = row.make(notes / row.path);
    if (!why_not.empty()) {
      std::cout << "row skipped, \"" << row.what << "\": " << why_not << '\n';
      continue;
    }
    rows.push_back(std::move(row));
  }

  IndexRun run = Index(dir.path(), notes, "");
  ASSERT_TRUE(WIFEXITED(run.status)) << "status " << run.status << "\n" << run.err;
  ASSERT_EQ(WEXITSTATUS(run.status), 0) << "(124: timed out)\n" << run.err;
  const fs::path db = dir.path() / "db";
  for (const Row& row : rows) {
    SCOPED_TRACE(row.what);
    std::string shown = (notes / row.path).string();
    switch (row.expect) {
      case Expect::kIndexed:
        EXPECT_TRUE(InIndex(db, row.path));
        if (*row.message) {
          EXPECT_NE(run.err.find(shown + ":"), std::string::npos);
        }
        break;
      case Expect::kSkipped:
        EXPECT_FALSE(InIndex(db, row.path));
        EXPECT_NE(run.err.find(shown + ": skipped: "), std::string::npos);
        break;
      case Expect::kNotThere:
        EXPECT_FALSE(InIndex(db, row.path));
        break;
    }
    if (*row.message) {
      EXPECT_NE(run.err.find(row.message), std::string::npos);
    }
  }
  EXPECT_TRUE(InIndex(db, "cycle/note.rst")) << "the folder holding a loop is walked once";
  if (HasFailure()) std::cout << "indexer's stderr:\n" << run.err;

  // The next run with a limit above 50 MB indexes the big notes; the file
  // that vanished is gone and the one that shrank is indexed as it is now.
  IndexRun again = Index(dir.path(), notes, "--max-file-size 67108864");
  ASSERT_TRUE(WIFEXITED(again.status)) << again.err;
  ASSERT_EQ(WEXITSTATUS(again.status), 0) << again.err;
  EXPECT_TRUE(InIndex(db, "huge.rst")) << again.err;
  EXPECT_TRUE(InIndex(db, "long-line.rst")) << again.err;
  EXPECT_FALSE(InIndex(db, "vanishes-while-read.rst"));
  EXPECT_TRUE(InIndex(db, "shrinks-while-read.rst"));
  EXPECT_TRUE(InIndex(db, "good/plain.rst"));
}

}  // namespace
}  // namespace talksearch
