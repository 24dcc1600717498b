// Untrusted HTML through GumboDocument under tiny budgets drawn from the input, so the arena
// runs out (and unwinds out of gumbo) at arbitrary points of the parse. Invariants: there is
// always a tree; it covers a prefix ending before a '<' (or all, or nothing); it nests no
// deeper than the budget allows; a cut says why; and the whole tree can be walked.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "capture/gumbo_guard.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  linksnap::capture::ParseBudget budget;
  budget.max_bytes = (std::size_t{data[0]} + 1) << 14;  // 16 KiB .. 4 MiB
  budget.max_depth = std::size_t{data[1]} * 2 + 2;      // 2 (an empty document) .. 512
  budget.max_cpu = std::chrono::milliseconds(200);
  const std::string_view html(reinterpret_cast<const char*>(data) + 2, size - 2);
  const linksnap::capture::GumboDocument doc(html, budget);
  if (doc.output() == nullptr || doc.output()->document == nullptr) __builtin_trap();
  const std::size_t n = doc.parsed_length();
  if (n > html.size()) __builtin_trap();
  if (n < html.size() && n > 0 && html[n] != '<') __builtin_trap();
  if ((n < html.size()) != (doc.cut() != linksnap::capture::ParseCut::kNone)) __builtin_trap();
  const std::string note = linksnap::capture::parse_cut_note(doc, html.size());
  if (note.empty() != (doc.cut() == linksnap::capture::ParseCut::kNone)) __builtin_trap();

  std::vector<std::pair<const GumboNode*, std::size_t>> stack{{doc.output()->document, 0}};
  while (!stack.empty()) {
    const auto [node, depth] = stack.back();
    stack.pop_back();
    if (node->type == GUMBO_NODE_ELEMENT && depth > budget.max_depth) __builtin_trap();
    if (const GumboVector* children = linksnap::capture::children_of(node)) {
      for (unsigned i = 0; i < children->length; ++i) {
        const auto* child = static_cast<const GumboNode*>(children->data[i]);
        if (child->parent != node) __builtin_trap();
        stack.emplace_back(child, depth + 1);
      }
    }
  }
  return 0;
}
