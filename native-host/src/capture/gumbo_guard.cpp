#include "capture/gumbo_guard.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <csetjmp>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <unordered_map>
#include <vector>

namespace linksnap::capture {

namespace {

std::chrono::nanoseconds thread_cpu_time() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return std::chrono::seconds(t.tv_sec) + std::chrono::nanoseconds(t.tv_nsec);
}

// gumbo asks for many small blocks (~5 per element); mapping whole chunks keeps the arena's
// own overhead small and gives every byte back to the system at once.
constexpr std::size_t kChunkBytes = 1u << 20;
// Every block starts with an 8-byte header naming its size class (small blocks) or its
// mapping's size (large ones), so gumbo's free() can recycle it; payloads are 8-aligned,
// all gumbo's structs need (pointers, size_t, no long double).
constexpr std::size_t kHeader = 8;
constexpr std::size_t kGranule = 16;
// Blocks past this get a mapping of their own, unmapped when gumbo frees them (its vectors
// and string buffers grow by allocate, copy, free: the old one goes back at once).
constexpr std::size_t kMaxSmall = 64u << 10;
// Reading the thread's CPU clock is a system call; every 256th allocation is often enough
// (gumbo allocates several times per token even where it is slowest: a few microseconds).
constexpr unsigned kClockEvery = 256;
// Past the time limit the next attempt parses a quarter of the bytes (gumbo's worst times
// grow quadratically), past the memory limit half (its memory grows about linearly), and at
// most as far as the tags gumbo could have built in the budget: each costs it at least
// ~100 bytes (an element's node, vectors and name). That only skips attempts bound to fail;
// the arena still decides.
constexpr std::size_t kTimeShrink = 4;
constexpr std::size_t kMemoryShrink = 2;
constexpr std::size_t kMinBytesPerTag = 100;
constexpr int kMaxAttempts = 6;

std::size_t round_up(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }

// Size classes of small blocks (header included): every 16 bytes up to 1 KiB, then four
// steps per doubling up to kMaxSmall, so a recycled block wastes at most a fifth.
struct SizeClasses {
  std::vector<std::size_t> sizes;
  SizeClasses() {
    for (std::size_t s = kGranule; s <= 1024; s += kGranule) sizes.push_back(s);
    for (std::size_t base = 1024; base < kMaxSmall; base *= 2) {
      for (std::size_t step = 1; step <= 4; ++step) sizes.push_back(base + base / 4 * step);
    }
  }
  // The smallest class that holds n bytes (n <= kMaxSmall).
  std::size_t index_of(std::size_t n) const {
    if (n <= 1024) return (std::max(n, kGranule) + kGranule - 1) / kGranule - 1;
    return static_cast<std::size_t>(std::lower_bound(sizes.begin(), sizes.end(), n) -
                                    sizes.begin());
  }
};

const SizeClasses& size_classes() {
  static const SizeClasses classes;
  return classes;
}

}  // namespace

// All the memory of one gumbo parse: blocks carved from mapped chunks, with the blocks gumbo
// frees recycled by size class (gumbo 0.10 frees about as much as it keeps: token names,
// attribute vectors, string buffers grown by allocate+copy+free) but never returned to the
// system before the whole arena goes, so no recursive gumbo_destroy_output ever runs. Blocks
// past kMaxSmall have mappings of their own, unmapped when freed. Past the byte budget or
// the CPU deadline it answers nullptr, on which the allocator hook unwinds out of the parse.
class ParseArena {
 public:
  ParseArena(std::size_t max_bytes, std::chrono::nanoseconds cpu_deadline)
      : max_bytes_(max_bytes), deadline_(cpu_deadline), free_(size_classes().sizes.size()) {}
  ParseArena(const ParseArena&) = delete;
  ParseArena& operator=(const ParseArena&) = delete;
  ~ParseArena() {
    for (char* chunk : chunks_) munmap(chunk, kChunkBytes);
    for (const auto& [base, size] : large_) munmap(base, size);
  }

  // nullptr once over budget (exhausted() says which); never throws.
  void* allocate(std::size_t n) noexcept {
    if (exhausted_ != ParseCut::kNone) return nullptr;
    if (++allocations_ % kClockEvery == 0 && thread_cpu_time() > deadline_) {
      exhausted_ = ParseCut::kTime;
      return nullptr;
    }
    const std::size_t total = std::max<std::size_t>(n, 1) + kHeader;
    if (total > kMaxSmall) return allocate_large(total);
    const std::size_t index = size_classes().index_of(total);
    char* block = free_[index];
    if (block != nullptr) {
      free_[index] = *reinterpret_cast<char**>(block + kHeader);
    } else {
      const std::size_t size = size_classes().sizes[index];
      if (size > static_cast<std::size_t>(end_ - next_)) {
        char* chunk = static_cast<char*>(map(kChunkBytes));
        if (chunk == nullptr) return nullptr;
        try {
          chunks_.push_back(chunk);
        } catch (...) {
          return unmap_and_fail(chunk, kChunkBytes);
        }
        next_ = chunk;
        end_ = chunk + kChunkBytes;
      }
      block = next_;
      next_ += size;
    }
    *reinterpret_cast<std::uint64_t*>(block) = index;
    return block + kHeader;
  }

  void free(void* p) noexcept {
    if (p == nullptr) return;
    char* block = static_cast<char*>(p) - kHeader;
    const std::uint64_t header = *reinterpret_cast<const std::uint64_t*>(block);
    if (header > kMaxSmall) {  // a mapping of its own, `header` bytes
      large_.erase(block);
      munmap(block, header);
      mapped_ -= header;
      return;
    }
    *reinterpret_cast<char**>(block + kHeader) = free_[header];
    free_[header] = block;
  }

  ParseCut exhausted() const { return exhausted_; }
  std::jmp_buf unwind;  // set by parse_in_arena, the only caller of gumbo

 private:
  static std::size_t page_size() {
    static const std::size_t size = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    return size;
  }

  void* allocate_large(std::size_t total) noexcept {
    const std::size_t size = round_up(total, page_size());  // > kMaxSmall: tells free() apart
    char* block = static_cast<char*>(map(size));
    if (block == nullptr) return nullptr;
    try {
      large_.emplace(block, size);
    } catch (...) {
      return unmap_and_fail(block, size);
    }
    *reinterpret_cast<std::uint64_t*>(block) = size;
    return block + kHeader;
  }

  void* unmap_and_fail(char* base, std::size_t size) noexcept {
    munmap(base, size);
    mapped_ -= size;
    exhausted_ = ParseCut::kMemory;
    return nullptr;
  }

  void* map(std::size_t size) noexcept {
    if (size > max_bytes_ - std::min(max_bytes_, mapped_)) {
      exhausted_ = ParseCut::kMemory;
      return nullptr;
    }
    if (thread_cpu_time() > deadline_) {
      exhausted_ = ParseCut::kTime;
      return nullptr;
    }
    // Populated at once: gumbo fills every chunk, and one call is cheaper than 256 faults.
    void* base = mmap(nullptr, size, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (base == MAP_FAILED) {  // the system's own limit (RLIMIT_AS): the same outcome
      exhausted_ = ParseCut::kMemory;
      return nullptr;
    }
    mapped_ += size;
    return base;
  }

  const std::size_t max_bytes_;
  const std::chrono::nanoseconds deadline_;
  std::size_t mapped_ = 0;
  unsigned allocations_ = 0;
  char* next_ = nullptr;
  char* end_ = nullptr;
  std::vector<char*> free_;  // per size class: freed blocks, linked through their payload
  std::vector<char*> chunks_;
  std::unordered_map<char*, std::size_t> large_;
  ParseCut exhausted_ = ParseCut::kNone;
};

namespace {

// gumbo's allocator hook. Out of budget, it leaves the parse with longjmp. That is sound
// here: the frames it skips are gumbo's (C, nothing to destroy) and this function's (no
// object with a destructor); everything gumbo allocated belongs to the arena, which the
// caller drops whole, and gumbo keeps no state outside its parser struct (on the skipped
// stack) and that memory. gumbo is never called again on the abandoned tree.
void* arena_allocate(void* arena, std::size_t size) {
  void* p = static_cast<ParseArena*>(arena)->allocate(size);
  if (p == nullptr) std::longjmp(static_cast<ParseArena*>(arena)->unwind, 1);
  return p;
}

void arena_free(void* arena, void* p) { static_cast<ParseArena*>(arena)->free(p); }

// gumbo's tree of html, or nullptr when the arena ran out first.
GumboOutput* parse_in_arena(ParseArena& arena, const GumboOptions& options, const char* html,
                            std::size_t length) {
  if (setjmp(arena.unwind) != 0) return nullptr;
  return gumbo_parse_with_options(&options, html, length);
}

// The start of the first element nested deeper than max_depth, or npos.
std::size_t first_offset_deeper_than(const GumboNode* document, std::size_t max_depth) {
  std::size_t first = std::string_view::npos;
  std::vector<std::pair<const GumboNode*, std::size_t>> stack{{document, 0}};
  while (!stack.empty()) {
    const auto [node, depth] = stack.back();
    stack.pop_back();
    if (node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE) {
      if (depth > max_depth) {
        first = std::min<std::size_t>(first, node->v.element.start_pos.offset);
        continue;  // what is below starts later
      }
    }
    if (const GumboVector* children = children_of(node)) {
      for (unsigned i = 0; i < children->length; ++i) {
        stack.emplace_back(static_cast<const GumboNode*>(children->data[i]), depth + 1);
      }
    }
  }
  return first;
}

// The largest prefix length <= n that ends right before a '<' (or is empty): cutting there
// leaves no tag torn in two.
std::size_t before_tag(std::string_view html, std::size_t n) {
  if (n >= html.size()) return html.size();
  const std::size_t lt = html.rfind('<', n);
  return lt == std::string_view::npos ? 0 : lt;
}

// The offset of the tags-th '<' in html, or html.size() if it has fewer.
std::size_t offset_of_tag(std::string_view html, std::size_t tags) {
  for (std::size_t at = 0, seen = 0;; ++at, ++seen) {
    at = html.find('<', at);
    if (at == std::string_view::npos) return html.size();
    if (seen == tags) return at;
  }
}

std::string size_text(std::size_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " bytes";
  char text[32];
  if (bytes < (1u << 20)) {
    std::snprintf(text, sizeof text, "%.1f KiB", static_cast<double>(bytes) / 1024);
  } else {
    std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  }
  return text;
}

}  // namespace

ParseBudget budget_for_page(std::size_t page_bytes) {
  // A save holds two copies of the page while gumbo's tree exists (the page and the request
  // that carried it, or the page and the document being rewritten) and ~16 MiB besides (the
  // program, SQLite, the text): so the tree gets 112 MiB less those two copies, which keeps
  // the whole save under 128 MiB. Within that, 16 bytes per byte of page (ordinary markup
  // needs ~6.5 with recycled frees: a 10 MB page of paragraphs is saved whole), at least
  // 64 MiB for small pages and never less than 16 MiB (a 31 MiB page of <br> is cut).
  constexpr std::size_t kPerByte = 16, kMin = 64u << 20, kFloor = 16u << 20,
                        kSave = 112u << 20;
  const std::size_t copies = page_bytes > kSave / 2 ? kSave : 2 * page_bytes;
  const std::size_t wanted =
      page_bytes > kSave / kPerByte ? kSave : std::max(page_bytes * kPerByte, kMin);
  ParseBudget budget;
  budget.max_bytes = std::max(kFloor, std::min(wanted, kSave - copies));
  return budget;
}

GumboDocument::GumboDocument(std::string_view html, const ParseBudget& budget)
    : budget_(budget), options_(kGumboDefaultOptions) {
  options_.max_errors = 0;  // error records cost memory per bad token; we never read them
  options_.allocator = arena_allocate;
  options_.deallocator = arena_free;
  const char* data = html.empty() ? "" : html.data();

  std::size_t length = gumbo_safe_length(html);  // linear: not gumbo's work, not on the clock
  if (length < html.size()) cut_ = ParseCut::kDepth;
  const std::chrono::nanoseconds end = thread_cpu_time() + budget_.max_cpu;
  for (int attempt = 1; attempt <= kMaxAttempts && output_ == nullptr; ++attempt) {
    // Each attempt but the last gets half the time left: if it runs out, a shorter prefix
    // (a quarter, so a sixteenth of a quadratic cost) can still be parsed in the other half.
    const std::chrono::nanoseconds now = thread_cpu_time();
    const std::chrono::nanoseconds deadline =
        attempt == kMaxAttempts ? end : now + (end - std::min(now, end)) / 2;
    arena_.reset();
    arena_ = std::make_unique<ParseArena>(budget_.max_bytes, deadline);
    options_.userdata = arena_.get();
    output_ = parse_in_arena(*arena_, options_, data, length);
    if (output_ == nullptr) {
      cut_ = arena_->exhausted();
      length = cut_ == ParseCut::kTime
                   ? before_tag(html, length / kTimeShrink)
                   : before_tag(html, std::min(length / kMemoryShrink,
                                               offset_of_tag(html, budget_.max_bytes /
                                                                       kMinBytesPerTag)));
      continue;
    }
    const std::size_t too_deep = first_offset_deeper_than(output_->document, budget_.max_depth);
    if (too_deep != std::string_view::npos && length > 0) {  // (an empty document is 2 deep)
      cut_ = ParseCut::kDepth;
      length = before_tag(html, std::min(too_deep, length - 1));
      output_ = nullptr;
    }
  }
  if (output_ == nullptr) {  // nothing fitted: an empty document, a few KiB and microseconds
    length = 0;
    arena_.reset();
    arena_ = std::make_unique<ParseArena>(kChunkBytes * 2, std::chrono::nanoseconds::max());
    options_.userdata = arena_.get();
    output_ = parse_in_arena(*arena_, options_, data, 0);
  }
  parsed_length_ = length;
  if (parsed_length_ == html.size()) cut_ = ParseCut::kNone;
}

GumboDocument::~GumboDocument() = default;  // the arena holds the whole tree

std::string parse_cut_note(const GumboDocument& doc, std::size_t total_length) {
  std::string why;
  const ParseBudget& budget = doc.budget();
  switch (doc.cut()) {
    case ParseCut::kNone:
      return "";
    case ParseCut::kDepth:
      why = "elements nested more than " + std::to_string(budget.max_depth) + " deep";
      break;
    case ParseCut::kMemory:
      why = "parsing it needs more than " + std::to_string(budget.max_bytes >> 20) +
            " MiB of memory";
      break;
    case ParseCut::kTime: {
      char seconds[32];
      std::snprintf(seconds, sizeof seconds, "%g", budget.max_cpu.count() / 1000.0);
      why = std::string("parsing it takes more than ") + seconds + " s";
      break;
    }
  }
  return "the page's markup is too complex to save in full (" + why + "): the first " +
         size_text(doc.parsed_length()) + " of its " + size_text(total_length) + " were saved";
}

std::string parse_cut_meta(std::string_view note) {
  if (note.empty()) return "";
  std::string meta = "<meta name=\"linksnap-note\" content=\"";
  for (const char c : note) {
    switch (c) {
      case '&': meta += "&amp;"; break;
      case '"': meta += "&quot;"; break;
      case '<': meta += "&lt;"; break;
      case '>': meta += "&gt;"; break;
      default: meta += c;
    }
  }
  return meta + "\">";
}

}  // namespace linksnap::capture
