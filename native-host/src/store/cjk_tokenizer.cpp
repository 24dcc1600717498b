#include "store/cjk_tokenizer.h"

#include "util/utf8.h"

#include <cstring>
#include <new>
#include <set>
#include <string>
#include <vector>

namespace linksnap::store {

namespace {

// What a registration on one connection knows: FTS5's API (to find unicode61) and the
// connection, to record the Latin terms of indexed documents in search_terms.
struct Registration {
  fts5_api* api;
  sqlite3* db;
};

struct CjkTokenizer {
  fts5_tokenizer delegate{};        // unicode61's vtable
  Fts5Tokenizer* delegate_instance = nullptr;
  sqlite3* db = nullptr;
};

bool is_ascii_term(const char* token, int n) {
  if (n <= 0 || n > 64) return false;
  for (int i = 0; i < n; ++i) {
    const char c = token[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) return false;
  }
  return true;
}

// Adds a document's ASCII terms to search_terms (schema 6), so that a Latin prefix can be
// expanded into the exact terms it stands for (search_query.h). Skipped where the table does
// not exist (a store being migrated; the migration fills it from the index).
int record_terms(sqlite3* db, const std::set<std::string>& terms) {
  if (db == nullptr || terms.empty()) return SQLITE_OK;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO search_terms(term) VALUES (?1)", -1, &st, nullptr) !=
      SQLITE_OK) {
    sqlite3_finalize(st);
    return SQLITE_OK;
  }
  int rc = SQLITE_OK;
  for (const auto& t : terms) {
    sqlite3_bind_text(st, 1, t.data(), static_cast<int>(t.size()), SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc != SQLITE_DONE) break;
    rc = SQLITE_OK;
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  return rc;
}

// Context threaded through unicode61's callback so its offsets can be shifted back into the
// whole text.
struct DelegateContext {
  void* fts_ctx;
  int (*x_token)(void*, int, const char*, int, int, int);
  int offset;
  std::set<std::string>* terms;  // set: collect the document's ASCII terms
};

int delegate_token(void* ctx, int flags, const char* token, int n, int start, int end) {
  auto* d = static_cast<DelegateContext*>(ctx);
  if (d->terms != nullptr && is_ascii_term(token, n)) d->terms->emplace(token, static_cast<std::size_t>(n));
  return d->x_token(d->fts_ctx, flags, token, n, start + d->offset, end + d->offset);
}

int x_create(void* registration, const char** /*args*/, int /*nargs*/, Fts5Tokenizer** out) {
  auto* reg = static_cast<Registration*>(registration);
  fts5_api* api = reg->api;
  void* user_data = nullptr;
  auto* tok = new (std::nothrow) CjkTokenizer();
  if (tok == nullptr) return SQLITE_NOMEM;
  tok->db = reg->db;
  int rc = api->xFindTokenizer(api, "unicode61", &user_data, &tok->delegate);
  if (rc == SQLITE_OK) {
    const char* args[] = {"remove_diacritics", "2"};
    rc = tok->delegate.xCreate(user_data, args, 2, &tok->delegate_instance);
  }
  if (rc != SQLITE_OK) {
    delete tok;
    return rc;
  }
  *out = reinterpret_cast<Fts5Tokenizer*>(tok);
  return SQLITE_OK;
}

void x_delete(Fts5Tokenizer* p) {
  auto* tok = reinterpret_cast<CjkTokenizer*>(p);
  if (tok->delegate_instance != nullptr) tok->delegate.xDelete(tok->delegate_instance);
  delete tok;
}

int x_tokenize(Fts5Tokenizer* p, void* ctx, int flags, const char* text, int n_text,
               int (*x_token)(void*, int, const char*, int, int, int)) {
  auto* tok = reinterpret_cast<CjkTokenizer*>(p);
  const std::string_view all(text, n_text > 0 ? static_cast<std::size_t>(n_text) : 0);
  const bool for_query = (flags & FTS5_TOKENIZE_QUERY) != 0;
  const bool document = (flags & FTS5_TOKENIZE_DOCUMENT) != 0;
  std::set<std::string> terms;
  int rc = SQLITE_OK;
  split_cjk_runs(all, [&](bool cjk, std::size_t begin, std::size_t end) {
    if (rc != SQLITE_OK) return;
    if (!cjk) {
      DelegateContext d{ctx, x_token, static_cast<int>(begin), document ? &terms : nullptr};
      rc = tok->delegate.xTokenize(tok->delegate_instance, &d, flags, text + begin,
                                   static_cast<int>(end - begin), delegate_token);
      return;
    }
    tokenize_cjk_run(all.substr(begin, end - begin), for_query,
                     [&](std::string_view t, std::size_t b, std::size_t e, bool colocated) {
                       if (rc != SQLITE_OK) return;
                       rc = x_token(ctx, colocated ? FTS5_TOKEN_COLOCATED : 0, t.data(),
                                    static_cast<int>(t.size()), static_cast<int>(begin + b),
                                    static_cast<int>(begin + e));
                     });
  });
  // SQLITE_DONE from a callback means "stop early" and is not an error.
  if (rc == SQLITE_DONE) rc = SQLITE_OK;
  if (rc == SQLITE_OK && document) rc = record_terms(tok->db, terms);
  return rc;
}

}  // namespace

bool is_cjk_code_point(char32_t cp) {
  return (cp >= 0x1100 && cp <= 0x11FF) ||    // Hangul Jamo
         (cp >= 0x2E80 && cp <= 0x2FDF) ||    // CJK radicals, Kangxi radicals
         (cp >= 0x3040 && cp <= 0x30FF) ||    // Hiragana, Katakana
         (cp >= 0x3100 && cp <= 0x31BF) ||    // Bopomofo, Hangul compatibility Jamo, Kanbun
         (cp >= 0x31F0 && cp <= 0x31FF) ||    // Katakana phonetic extensions
         (cp >= 0x3400 && cp <= 0x4DBF) ||    // CJK extension A
         (cp >= 0x4E00 && cp <= 0x9FFF) ||    // CJK unified ideographs
         (cp >= 0xA960 && cp <= 0xA97F) ||    // Hangul Jamo extended A
         (cp >= 0xAC00 && cp <= 0xD7FF) ||    // Hangul syllables + Jamo extended B
         (cp >= 0xF900 && cp <= 0xFAFF) ||    // CJK compatibility ideographs
         (cp >= 0xFF66 && cp <= 0xFFDC) ||    // halfwidth Katakana and Hangul
         (cp >= 0x20000 && cp <= 0x3FFFF);    // extensions B–H, compatibility supplement
}

void split_cjk_runs(std::string_view text,
                    const std::function<void(bool, std::size_t, std::size_t)>& run) {
  std::size_t run_begin = 0;
  bool run_cjk = false;
  std::size_t i = 0;
  while (i < text.size()) {
    char32_t cp = 0;
    const std::size_t len = utf8::decode(text, i, cp);
    const bool cjk = is_cjk_code_point(cp);
    if (i == 0) {
      run_cjk = cjk;
    } else if (cjk != run_cjk) {
      run(run_cjk, run_begin, i);
      run_begin = i;
      run_cjk = cjk;
    }
    i += len;
  }
  if (!text.empty()) run(run_cjk, run_begin, text.size());
}

void tokenize_cjk_run(std::string_view run, bool for_query,
                      const std::function<void(std::string_view, std::size_t, std::size_t, bool)>& emit) {
  // Byte offsets of each code point; the run holds valid CJK code points only.
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < run.size();) {
    char32_t cp = 0;
    starts.push_back(i);
    i += utf8::decode(run, i, cp);
  }
  starts.push_back(run.size());
  const std::size_t n = starts.size() - 1;
  auto piece = [&](std::size_t from, std::size_t to) {
    return run.substr(starts[from], starts[to] - starts[from]);
  };
  if (for_query) {
    if (n == 1) {
      emit(piece(0, 1), starts[0], starts[1], false);
      return;
    }
    for (std::size_t k = 0; k + 1 < n; ++k) emit(piece(k, k + 2), starts[k], starts[k + 2], false);
    return;
  }
  // The bigram leads each position: FTS5 highlights a position with the offsets of its first
  // token, so a matched phrase of bigrams marks every character it covers.
  for (std::size_t k = 0; k < n; ++k) {
    if (k + 1 < n) {
      emit(piece(k, k + 2), starts[k], starts[k + 2], false);
      emit(piece(k, k + 1), starts[k], starts[k + 1], true);
    } else {
      emit(piece(k, k + 1), starts[k], starts[k + 1], false);
    }
  }
}

Result<fts5_api*> fts5_api_of(sqlite3* db) {
  fts5_api* api = nullptr;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, nullptr) != SQLITE_OK) {
    return make_error(errc::kDatabase, "this SQLite has no FTS5: full-text search is unavailable");
  }
  sqlite3_bind_pointer(stmt, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
  sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  return api;
}

Status register_cjk_tokenizer(sqlite3* db) {
  auto found = fts5_api_of(db);
  if (!found.ok()) return found.error();
  fts5_api* api = *found;
  if (api == nullptr || api->iVersion < 2) {
    return make_error(errc::kDatabase, "this SQLite's FTS5 is too old for LinkSnap's tokenizer");
  }
  static fts5_tokenizer vtable{x_create, x_delete, x_tokenize};
  auto* registration = new Registration{api, db};
  const int rc = api->xCreateTokenizer(api, kCjkTokenizerName, registration, &vtable,
                                       [](void* p) { delete static_cast<Registration*>(p); });
  if (rc != SQLITE_OK) {
    return make_error(errc::kDatabase, std::string("registering the search tokenizer failed: ") +
                                           sqlite3_errstr(rc));
  }
  return ok_status();
}

}  // namespace linksnap::store
