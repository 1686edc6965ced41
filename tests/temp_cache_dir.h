// A fresh GPUK_CACHE_DIR for one test, and the GEMM tuning database in it.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

// Points GPUK_CACHE_DIR at a fresh directory for one test.
class TempCacheDir {
 public:
  TempCacheDir() {
    char tmpl[] = "/tmp/gpuk-tuning-test.XXXXXX";
    dir_ = mkdtemp(tmpl);
    const char *old = getenv("GPUK_CACHE_DIR");
    had_old_ = old != nullptr;
    if (old) old_ = old;
    setenv("GPUK_CACHE_DIR", dir_.c_str(), 1);
  }
  ~TempCacheDir() {
    std::string cmd = "rm -rf '" + dir_ + "'";
    (void)!system(cmd.c_str());
    if (had_old_) setenv("GPUK_CACHE_DIR", old_.c_str(), 1);
    else unsetenv("GPUK_CACHE_DIR");
  }
  std::string File() const { return dir_ + "/gemm-tuning.txt"; }
  void Write(const std::string &text) const { std::ofstream(File(), std::ios::binary) << text; }
  std::string Read() const {
    std::stringstream s;
    s << std::ifstream(File(), std::ios::binary).rdbuf();
    return s.str();
  }

 private:
  std::string dir_, old_;
  bool had_old_ = false;
};
