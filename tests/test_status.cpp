// Status codes, their names and descriptions, and the per-thread last error.
#include <thread>

#include "gpuk_test.h"

TEST(Status, EveryCodeHasNameAndDescription) {
#define CHECK_CODE(name, value, text)                                  \
  EXPECT_STREQ(gpuk_status_string(GPUK_##name), text);                \
  EXPECT_STREQ(gpuk_status_name(GPUK_##name), "GPUK_" #name);          \
  EXPECT_EQ(static_cast<int>(GPUK_##name), value);
  GPUK_STATUS_MAP(CHECK_CODE)
#undef CHECK_CODE
  EXPECT_STREQ(gpuk_status_string(static_cast<gpuk_status>(12345)), "unknown status");
  EXPECT_STREQ(gpuk_status_name(static_cast<gpuk_status>(12345)), "GPUK_UNKNOWN_STATUS");
}

TEST(Status, SuccessIsZeroAndErrorsNegative) {
  EXPECT_EQ(GPUK_SUCCESS, 0);
  EXPECT_LT(GPUK_ERROR_INVALID_ARGUMENT, 0);
  EXPECT_LT(GPUK_ERROR_BUILD, 0);
}

TEST(Status, VersionMatchesHeader) { EXPECT_STREQ(gpuk_version(), GPUK_VERSION_STRING); }

TEST(LastError, IsPerThreadAndClearedBySuccess) {
  GPUK_EXPECT_ERROR(gpuk_device_count(nullptr), GPUK_ERROR_INVALID_ARGUMENT, "count");
  std::string other;
  std::thread t([&] { other = gpuk_last_error(); });
  t.join();
  EXPECT_EQ(other, "");  // another thread sees its own (empty) message
  EXPECT_NE(std::string(gpuk_last_error()), "");
  size_t count;
  GPUK_EXPECT_OK(gpuk_device_count(&count));
  EXPECT_STREQ(gpuk_last_error(), "");
}
