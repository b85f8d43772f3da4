/* SPDX-License-Identifier: GPL-2.0-only */
/* Test-and-set spinlocks for the few structures CPUs share. */
#ifndef GUEST_SPINLOCK_H
#define GUEST_SPINLOCK_H

#include "arch.h"
#include "types.h"

struct spinlock {
	int locked;
};

static inline void spin_lock(struct spinlock *lock)
{
	while (__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(&lock->locked, __ATOMIC_RELAXED))
			cpu_relax();
	}
}

static inline void spin_unlock(struct spinlock *lock)
{
	__atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
}

#endif /* GUEST_SPINLOCK_H */
