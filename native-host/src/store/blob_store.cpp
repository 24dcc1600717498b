#include "store/blob_store.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/filesystem/directory.hpp>
#include <boost/filesystem/operations.hpp>
#include <cerrno>
#include <algorithm>
#include <cstring>
#include <ctime>
#include <random>
#include <string>

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

// "<pid>-": temp files name the process writing them, so one left by a killed process is known
// as such at the next start (and not mistaken for a live writer's).
std::string temp_prefix() { return std::to_string(::getpid()) + "-"; }

// Whose temp file `name` is: a writer that still runs (a save in progress), one that is gone,
// or no writer of ours (a name our writers never give).
enum class TempWriter { kRunning, kGone, kUnnamed };
TempWriter temp_writer(const std::string& name) {
  const std::size_t dash = name.find('-');
  if (dash == 0 || dash == std::string::npos || dash > 10) return TempWriter::kUnnamed;
  long pid = 0;
  for (std::size_t i = 0; i < dash; ++i) {
    if (name[i] < '0' || name[i] > '9') return TempWriter::kUnnamed;
    pid = pid * 10 + (name[i] - '0');
  }
  if (pid <= 0) return TempWriter::kUnnamed;
  return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH ? TempWriter::kGone : TempWriter::kRunning;
}

// Moves a complete temp file to its blob path (or drops it when that blob is already there).
Status move_into_place(const fs::path& tmp_path, const fs::path& final_path) {
  if (::rename(tmp_path.c_str(), final_path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp_path.c_str());
    return io_error("moving a blob into place", err);
  }
  fsync_directory(final_path.parent_path());
  return ok_status();
}

}  // namespace

struct BlobWriter::Digest {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~Digest() { EVP_MD_CTX_free(ctx); }
};

BlobWriter::BlobWriter(const BlobStore& store, fs::path tmp_path, int fd)
    : store_(store), tmp_path_(std::move(tmp_path)), fd_(fd), digest_(std::make_unique<Digest>()) {
  if (digest_->ctx != nullptr) EVP_DigestInit_ex(digest_->ctx, EVP_sha256(), nullptr);
}

BlobWriter::~BlobWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(tmp_path_.c_str());
}

Status BlobWriter::write(std::string_view bytes) {
  if (fd_ < 0 || !hash_.empty() || digest_->ctx == nullptr) {
    return make_error(errc::kInternal, "writing a blob that is closed");
  }
  LINKSNAP_TRY(write_all(fd_, bytes, tmp_path_.string()));
  EVP_DigestUpdate(digest_->ctx, bytes.data(), bytes.size());
  size_ += bytes.size();
  return ok_status();
}

const std::string& BlobWriter::finish_hash() {
  if (!hash_.empty() || digest_->ctx == nullptr) return hash_;
  // Closed now, reopened by commit(): hundreds of blobs may wait for a background fsync, and
  // each open file would count against the process's descriptor limit.
  if (fd_ >= 0 && ::close(fd_) != 0) close_error_ = errno;
  fd_ = -1;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(digest_->ctx, digest, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned int i = 0; i < length; ++i) {
    hash_.push_back(kHex[digest[i] >> 4]);
    hash_.push_back(kHex[digest[i] & 0xF]);
  }
  return hash_;
}

Result<std::string> BlobWriter::read_head(std::size_t max_bytes) const {
  if (hash_.empty() || committed_) return make_error(errc::kInternal, "reading back a blob that is not finished");
  const int fd = ::open(tmp_path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error("reopening " + tmp_path_.string(), errno);
  std::string out(std::min(max_bytes, size_), '\0');
  std::size_t got = 0;
  while (got < out.size()) {
    const ssize_t n = ::pread(fd, out.data() + got, out.size() - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : EIO;
      ::close(fd);
      return io_error("reading " + tmp_path_.string(), err);
    }
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return out;
}

Status BlobWriter::commit() {
  if (committed_) return ok_status();
  if (hash_.empty()) return make_error(errc::kInternal, "committing an unfinished blob");
  if (close_error_ != 0) return io_error("closing " + tmp_path_.string(), close_error_);
  const int fd = ::open(tmp_path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error("reopening " + tmp_path_.string(), errno);
  Status status = ok_status();
  if (::fsync(fd) != 0) status = io_error("flushing " + tmp_path_.string(), errno);
  ::close(fd);
  if (!status.ok()) return status;
  const fs::path final_path = store_.path_for(hash_);
  boost::system::error_code ec;
  fs::create_directories(final_path.parent_path(), ec);
  if (ec) {
    return make_error(errc::kIo,
                      "creating " + final_path.parent_path().string() + ": " + ec.message());
  }
  // Complete blobs are never modified: one of the right size is this one.
  const auto existing = fs::file_size(final_path, ec);
  if (!ec && existing == size_) {
    ::unlink(tmp_path_.c_str());
  } else {
    LINKSNAP_TRY(move_into_place(tmp_path_, final_path));
  }
  committed_ = true;
  return ok_status();
}

Result<std::unique_ptr<BlobWriter>> BlobStore::begin_blob() const {
  boost::system::error_code ec;
  fs::create_directories(tmp_dir_, ec);
  if (ec) return make_error(errc::kIo, "creating " + tmp_dir_.string() + ": " + ec.message());
  const fs::path tmp_path = tmp_dir_ / (temp_prefix() + "stream." + random_suffix() + ".tmp");
  const int fd = ::open(tmp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("creating " + tmp_path.string(), errno);
  return std::unique_ptr<BlobWriter>(new BlobWriter(*this, tmp_path, fd));
}

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

  const fs::path tmp_path =
      tmp_dir_ / (temp_prefix() + hash.substr(0, 16) + "." + random_suffix() + ".tmp");
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

std::vector<fs::path> BlobStore::stale_temp_files(long max_age_seconds) const {
  std::vector<fs::path> stale;
  boost::system::error_code ec;
  const std::time_t now = std::time(nullptr);
  for (fs::directory_iterator it(tmp_dir_, ec), end; !ec && it != end; it.increment(ec)) {
    boost::system::error_code ec2;
    const std::time_t modified = fs::last_write_time(it->path(), ec2);
    if ((!ec2 && now - modified > max_age_seconds) ||
        temp_writer(it->path().filename().string()) == TempWriter::kGone) {
      stale.push_back(it->path());
    }
  }
  return stale;
}

std::vector<fs::path> BlobStore::temp_files_not_in_progress() const {
  std::vector<fs::path> files;
  boost::system::error_code ec;
  for (fs::directory_iterator it(tmp_dir_, ec), end; !ec && it != end; it.increment(ec)) {
    if (temp_writer(it->path().filename().string()) != TempWriter::kRunning) files.push_back(it->path());
  }
  return files;
}

void BlobStore::remove_stale_temp_files(long max_age_seconds) const {
  for (const fs::path& p : stale_temp_files(max_age_seconds)) {
    boost::system::error_code ec;
    fs::remove(p, ec);
  }
}

}  // namespace linksnap::store
