#include "store/blob_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/filesystem/directory.hpp>
#include <boost/filesystem/operations.hpp>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <random>

#include "util/sha256.h"

namespace fs = boost::filesystem;

namespace linksnap::store {

namespace {

Error io_error(const std::string& doing, int err) {
  if (err == ENOSPC || err == EDQUOT || err == EFBIG) {
    return make_error(errc::kIo, doing + ": the disk is full (" + std::strerror(err) + ")");
  }
  return make_error(errc::kIo, doing + ": " + std::strerror(err));
}

Status write_all(int fd, std::string_view bytes, const std::string& what) {
  const char* p = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("writing " + what, errno);
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  return ok_status();
}

void fsync_directory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

std::string random_suffix() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  auto v = rng();
  for (int i = 0; i < 16; ++i, v >>= 4) s.push_back(kHex[v & 0xF]);
  return s;
}

}  // namespace

BlobStore::BlobStore(fs::path data_dir)
    : blobs_dir_(data_dir / "blobs"), tmp_dir_(data_dir / "tmp") {}

fs::path BlobStore::path_for(std::string_view hash) const {
  const std::string h(hash);
  return blobs_dir_ / h.substr(0, 2) / h;
}

Result<std::string> BlobStore::put(std::string_view bytes) {
  std::string hash = sha256_hex(bytes);
  const fs::path final_path = path_for(hash);
  boost::system::error_code ec;
  // Complete blobs are never modified, so the right size means the right content.
  const auto existing = fs::file_size(final_path, ec);
  if (!ec && existing == bytes.size()) return hash;

  fs::create_directories(final_path.parent_path(), ec);
  if (ec) return make_error(errc::kIo, "creating " + final_path.parent_path().string() + ": " + ec.message());
  fs::create_directories(tmp_dir_, ec);
  if (ec) return make_error(errc::kIo, "creating " + tmp_dir_.string() + ": " + ec.message());

  const fs::path tmp_path = tmp_dir_ / (hash.substr(0, 16) + "." + random_suffix() + ".tmp");
  const int fd = ::open(tmp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("creating " + tmp_path.string(), errno);
  Status status = write_all(fd, bytes, tmp_path.string());
  if (status.ok() && ::fsync(fd) != 0) status = io_error("flushing " + tmp_path.string(), errno);
  if (::close(fd) != 0 && status.ok()) status = io_error("closing " + tmp_path.string(), errno);
  if (status.ok() && ::rename(tmp_path.c_str(), final_path.c_str()) != 0) {
    status = io_error("moving a blob into place", errno);
  }
  if (!status.ok()) {
    ::unlink(tmp_path.c_str());
    return status.error();
  }
  fsync_directory(final_path.parent_path());
  return hash;
}

Result<std::string> BlobStore::get(std::string_view hash) const {
  if (!is_sha256_hex(hash)) return make_error(errc::kBadRequest, "not a blob name: " + std::string(hash));
  const fs::path path = path_for(hash);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return make_error(errc::kNotFound, "the stored file " + std::string(hash) + " is missing");
    return io_error("reading " + path.string(), errno);
  }
  std::string out;
  struct stat st{};
  if (::fstat(fd, &st) == 0 && st.st_size > 0) out.reserve(static_cast<std::size_t>(st.st_size));
  char buf[1 << 16];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return io_error("reading " + path.string(), err);
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

bool BlobStore::exists(std::string_view hash) const { return size_of(hash) >= 0; }

long long BlobStore::size_of(std::string_view hash) const {
  if (!is_sha256_hex(hash)) return -1;
  boost::system::error_code ec;
  const auto size = fs::file_size(path_for(hash), ec);
  return ec ? -1 : static_cast<long long>(size);
}

Status BlobStore::remove(std::string_view hash) {
  if (!is_sha256_hex(hash)) return make_error(errc::kBadRequest, "not a blob name: " + std::string(hash));
  if (::unlink(path_for(hash).c_str()) != 0 && errno != ENOENT) {
    return io_error("removing blob " + std::string(hash), errno);
  }
  return ok_status();
}

void BlobStore::for_each(const std::function<void(const std::string&)>& visit) const {
  boost::system::error_code ec;
  for (fs::directory_iterator shard(blobs_dir_, ec), end; !ec && shard != end; shard.increment(ec)) {
    boost::system::error_code ec2;
    for (fs::directory_iterator it(shard->path(), ec2); !ec2 && it != end; it.increment(ec2)) {
      const std::string name = it->path().filename().string();
      if (is_sha256_hex(name)) visit(name);
    }
  }
}

void BlobStore::remove_stale_temp_files(long max_age_seconds) const {
  boost::system::error_code ec;
  const std::time_t now = std::time(nullptr);
  for (fs::directory_iterator it(tmp_dir_, ec), end; !ec && it != end; it.increment(ec)) {
    boost::system::error_code ec2;
    const std::time_t modified = fs::last_write_time(it->path(), ec2);
    if (!ec2 && now - modified > max_age_seconds) fs::remove(it->path(), ec2);
  }
}

}  // namespace linksnap::store
