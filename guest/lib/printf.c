// SPDX-License-Identifier: GPL-2.0-only
/* A small printf: one formatter feeding the console or a buffer. */
#include "arch.h"
#include "printf.h"
#include "string.h"

struct sink {
	void (*write)(struct sink *sink, const char *s, size_t n);
	char *buf;
	size_t size;
	size_t len; /* characters produced, written or not */
};

struct spec {
	bool left;
	bool zero;
	bool plus;
	bool space;
	bool alt;
	int width;
	int precision; /* -1: none given */
};

/*
 * Output goes out in runs, not character by character: on an emulated
 * CPU every instruction per character counts.
 */
static void emit(struct sink *sink, const char *s, size_t n)
{
	sink->write(sink, s, n);
	sink->len += n;
}

static void emit_n(struct sink *sink, char c, int n)
{
	char run[16];

	if (n <= 0)
		return;
	memset(run, c, sizeof(run));
	for (; n > (int)sizeof(run); n -= sizeof(run))
		emit(sink, run, sizeof(run));
	emit(sink, run, n);
}

static void format_string(struct sink *sink, const struct spec *spec,
			  const char *s, int len)
{
	if (!spec->left)
		emit_n(sink, ' ', spec->width - len);
	emit(sink, s, len);
	if (spec->left)
		emit_n(sink, ' ', spec->width - len);
}

static void format_number(struct sink *sink, const struct spec *spec, u64 value,
			  bool negative, unsigned int base, bool upper,
			  const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	char *start = tmp + sizeof(tmp);
	int ndigits, zeros, pad, prefix_len;
	char sign = 0;

	do {
		*--start = digits[value % base];
		value /= base;
	} while (value);
	ndigits = tmp + sizeof(tmp) - start;
	/* C: a zero precision prints nothing for the value zero. */
	if (spec->precision == 0 && ndigits == 1 && *start == '0')
		ndigits = 0;

	if (negative)
		sign = '-';
	else if (spec->plus)
		sign = '+';
	else if (spec->space)
		sign = ' ';
	prefix_len = (sign ? 1 : 0) + (int)strlen(prefix);

	zeros = spec->precision > ndigits ? spec->precision - ndigits : 0;
	pad = spec->width - prefix_len - zeros - ndigits;
	if (spec->zero && !spec->left && spec->precision < 0) {
		zeros += pad > 0 ? pad : 0;
		pad = 0;
	}

	if (!spec->left)
		emit_n(sink, ' ', pad);
	if (sign)
		emit(sink, &sign, 1);
	emit(sink, prefix, strlen(prefix));
	emit_n(sink, '0', zeros);
	emit(sink, tmp + sizeof(tmp) - ndigits, ndigits);
	if (spec->left)
		emit_n(sink, ' ', pad);
}

static const char *parse_int(const char *fmt, int *value, va_list *ap)
{
	if (*fmt == '*') {
		*value = va_arg(*ap, int);
		return fmt + 1;
	}
	*value = 0;
	while (*fmt >= '0' && *fmt <= '9')
		*value = *value * 10 + (*fmt++ - '0');
	return fmt;
}

/* Reads an integer argument of the given length modifier ('H' is hh). */
static u64 fetch_unsigned(char length, va_list *ap)
{
	switch (length) {
	case 'H':
		return (u8)va_arg(*ap, unsigned int);
	case 'h':
		return (u16)va_arg(*ap, unsigned int);
	case 'l':
		return va_arg(*ap, unsigned long);
	case 'q':
		return va_arg(*ap, unsigned long long);
	case 'z':
		return va_arg(*ap, size_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

static s64 fetch_signed(char length, va_list *ap)
{
	switch (length) {
	case 'H':
		return (s8)va_arg(*ap, int);
	case 'h':
		return (s16)va_arg(*ap, int);
	case 'l':
		return va_arg(*ap, long);
	case 'q':
		return va_arg(*ap, long long);
	case 'z':
		return va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, int);
	}
}

static void format(struct sink *sink, const char *fmt, va_list args)
{
	va_list ap;

	va_copy(ap, args);
	while (*fmt) {
		struct spec spec = { .precision = -1 };
		const char *literal = fmt, *s;
		char length = 0, c;
		s64 sv;

		while (*fmt && *fmt != '%')
			fmt++;
		if (fmt != literal)
			emit(sink, literal, fmt - literal);
		if (!*fmt)
			break;

		for (;;) {
			fmt++;
			if (*fmt == '-')
				spec.left = true;
			else if (*fmt == '0')
				spec.zero = true;
			else if (*fmt == '+')
				spec.plus = true;
			else if (*fmt == ' ')
				spec.space = true;
			else if (*fmt == '#')
				spec.alt = true;
			else
				break;
		}
		fmt = parse_int(fmt, &spec.width, &ap);
		if (spec.width < 0) {
			spec.left = true;
			spec.width = -spec.width;
		}
		if (*fmt == '.')
			fmt = parse_int(fmt + 1, &spec.precision, &ap);
		if (*fmt == 'h') {
			length = 'h';
			if (*++fmt == 'h') {
				length = 'H';
				fmt++;
			}
		} else if (*fmt == 'l') {
			length = 'l';
			if (*++fmt == 'l') {
				length = 'q';
				fmt++;
			}
		} else if (*fmt == 'z') {
			length = 'z';
			fmt++;
		}

		switch (*fmt) {
		case 'd':
		case 'i':
			sv = fetch_signed(length, &ap);
			format_number(sink, &spec, sv < 0 ? -(u64)sv : (u64)sv,
				      sv < 0, 10, false, "");
			break;
		case 'u':
			format_number(sink, &spec, fetch_unsigned(length, &ap),
				      false, 10, false, "");
			break;
		case 'x':
		case 'X':
			format_number(sink, &spec, fetch_unsigned(length, &ap),
				      false, 16, *fmt == 'X',
				      spec.alt ? (*fmt == 'X' ? "0X" : "0x") :
						 "");
			break;
		case 'o':
			format_number(sink, &spec, fetch_unsigned(length, &ap),
				      false, 8, false, spec.alt ? "0" : "");
			break;
		case 'p':
			format_number(sink, &spec,
				      (uintptr_t)va_arg(ap, void *), false, 16,
				      false, "0x");
			break;
		case 'c':
			c = (char)va_arg(ap, int);
			format_string(sink, &spec, &c, 1);
			break;
		case 's':
			s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			format_string(sink, &spec, s,
				      spec.precision >= 0 ?
					      (int)strnlen(s, spec.precision) :
					      (int)strlen(s));
			break;
		case '%':
			emit(sink, "%", 1);
			break;
		case '\0':
			/* A lone '%' at the end: print it, stop. */
			emit(sink, "%", 1);
			continue;
		default:
			/* Unknown conversion: show it rather than guess. */
			emit(sink, "%", 1);
			emit(sink, fmt, 1);
			break;
		}
		fmt++;
	}
	va_end(ap);
}

static void write_buffer(struct sink *sink, const char *s, size_t n)
{
	/* Keep one byte for the terminator. */
	if (sink->len + 1 < sink->size)
		memcpy(sink->buf + sink->len, s,
		       MIN(n, sink->size - 1 - sink->len));
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink sink = { .write = write_buffer, .buf = buf, .size = size };

	format(&sink, fmt, ap);
	if (size)
		buf[MIN(sink.len, size - 1)] = '\0';
	return (int)sink.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return len;
}

static int console_owner = -1;
static unsigned int console_depth;

void console_lock(void)
{
	int me = (int)smp_processor_id();
	int expected;

	if (__atomic_load_n(&console_owner, __ATOMIC_ACQUIRE) == me) {
		console_depth++;
		return;
	}
	for (;;) {
		expected = -1;
		if (__atomic_compare_exchange_n(&console_owner, &expected, me,
						false, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			break;
		cpu_relax();
	}
	console_depth = 1;
}

void console_unlock(void)
{
	if (--console_depth == 0)
		__atomic_store_n(&console_owner, -1, __ATOMIC_RELEASE);
}

static void write_console(struct sink *sink, const char *s, size_t n)
{
	(void)sink;
	arch_console_write(s, n);
}

int vprintf(const char *fmt, va_list ap)
{
	struct sink sink = { .write = write_console };

	console_lock();
	format(&sink, fmt, ap);
	console_unlock();
	return (int)sink.len;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vprintf(fmt, ap);
	va_end(ap);
	return len;
}
