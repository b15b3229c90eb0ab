// InlineSlot: room for one object of an interface inside its owner, for the handles a forked
// customer opens (its lock, its store), so that opening them allocates nothing: a forked
// customer's first malloc costs about 10 us of copy-on-write faults.
#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace ticketsim {

// Holds at most one object derived from `Interface` (which has a virtual destructor) in
// kBytes of its own storage, and destroys it.
template <typename Interface, std::size_t Bytes>
class InlineSlot {
 public:
  static constexpr std::size_t kBytes = Bytes;

  InlineSlot() = default;
  ~InlineSlot() { reset(); }
  InlineSlot(const InlineSlot&) = delete;
  InlineSlot& operator=(const InlineSlot&) = delete;

  // Constructs a `Concrete` in the slot, destroying any object it held.
  template <typename Concrete, typename... Args>
  Concrete& emplace(Args&&... args) {
    static_assert(std::is_base_of_v<Interface, Concrete>);
    static_assert(sizeof(Concrete) <= kBytes, "raise the slot's size");
    static_assert(alignof(Concrete) <= alignof(std::max_align_t));
    reset();
    Concrete* object = new (storage_) Concrete(std::forward<Args>(args)...);
    object_ = object;
    return *object;
  }

  Interface* get() const { return object_; }
  void reset() {
    if (object_ != nullptr) std::exchange(object_, nullptr)->~Interface();
  }

 private:
  alignas(std::max_align_t) unsigned char storage_[kBytes];
  Interface* object_ = nullptr;
};

}  // namespace ticketsim
