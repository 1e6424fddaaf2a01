; =====================================================================================================
; xlatcheck's QEMU guest: a small 32-bit kernel that runs trace steps on QEMU's own MMU.
;
; The driver (models/qemu/qemu-machine.ts) writes a batch of traces into guest RAM (the staging area,
; models/qemu/guest-abi.ts) before boot. For each trace the guest:
;   1. copies itself into the trace's window (a 2 MiB identity-mapped slot the adapter left free in
;      every address space of the trace) and re-bases its segments there;
;   2. writes the trace's memory image (its page tables include the window's page-directory entry);
;   3. loads the trace's EFER, CR4, CR3 and CR0, and executes each step, recording its observation:
;      the value read, "done", or the exception with its error code and CR2;
;   4. switches paging off, then reads back every page the trace could have touched (nonzero words
;      only) and zeroes it, so the next trace starts from its own image on zeroed memory.
; Then it writes to the debug-exit port and QEMU exits, or, when the batch asks it to stay resident, says
; so on the debug console and waits for the next batch (wait_for_batch).
;
; Position independence: the body is assembled at window offset BODY_OFFSET and every kernel segment
; has its base at the window base, so the same bytes run at home and in any window. Linear addresses
; of trace accesses go through flat segments (FS in the kernel, DS/ES in user mode).
;
; Exceptions never return: the handler records vector, error code and CR2, resets the stack and jumps to
; the continuation the interrupted step left in resume_fault (a setjmp/longjmp discipline). Returning
; from user mode works the same way through INT 0x80 and resume_ok.
; =====================================================================================================
bits 32
%include "abi.inc"

SEL_KCODE       equ 0x08
SEL_KDATA       equ 0x10
SEL_KFLAT_CODE  equ 0x18
SEL_KFLAT_DATA  equ 0x20
SEL_UCODE       equ 0x28 | 3
SEL_UFLAT_DATA  equ 0x30 | 3
SEL_UFLAT_CODE  equ 0x38 | 3
SEL_TSS         equ 0x40

CR0_PE          equ 1 << 0
CR0_EM          equ 1 << 2
CR0_TS          equ 1 << 3
CR0_ET          equ 1 << 4
CR0_PG          equ 1 << 31
CR4_PAE         equ 1 << 5
MSR_EFER        equ 0xc0000080
EFLAGS_BASE     equ 0x2                 ; reserved bit 1; IF = 0 and IOPL = 0 throughout
EFLAGS_TF       equ 1 << 8

PTE_P           equ 1 << 0
PTE_RW          equ 1 << 1
PTE_US          equ 1 << 2
PTE_A           equ 1 << 5
PTE_D           equ 1 << 6
PDE_PS          equ 1 << 7

VECTOR_DB       equ 1
VECTOR_NMI      equ 2
LAPIC_BASE      equ 0xfee00000
LAPIC_SVR       equ 0xf0
LAPIC_LVT_LINT1 equ 0x360
DONE_PORT       equ 0xe9                ; the debug console (isa-debugcon) of a resident QEMU
VECTOR_PF       equ 14

org BODY_OFFSET
body_start:

; ---- multiboot v1 header (a.out kludge): QEMU loads the file at HOME_BASE + BODY_OFFSET --------------
MB_MAGIC        equ 0x1badb002
MB_FLAGS        equ 0x00010000
mb_header:
    dd MB_MAGIC
    dd MB_FLAGS
    dd -(MB_MAGIC + MB_FLAGS)
    dd HOME_BASE + mb_header            ; header_addr
    dd HOME_BASE + body_start           ; load_addr
    dd 0                                ; load_end_addr: the whole file
    dd 0                                ; bss_end_addr: none
    dd HOME_BASE + entry                ; entry_addr

; ---- boot: flat protected mode, paging off, no stack ---------------------------------------------------
entry:
    cli
    cld
    lgdt [HOME_BASE + gdt_ptr]          ; the image's GDT is based at HOME_BASE already
    jmp SEL_KCODE:home_start

home_start:
    mov ax, SEL_KDATA                   ; no stack yet: reload SS before any call
    mov ss, ax
    mov esp, KSTACK_TOP
    call reload_segments
    mov dword [self_base], HOME_BASE
    call clear_low_memory
    call build_idt
    call build_private_tables
    call private_paging_on
    call nmi_on_lint1
home_batch:
    mov edi, STAGING_BASE
    cmp dword [fs:edi + HDR_MAGIC], STAGING_MAGIC
    je batch_loop
    mov al, EXIT_NO_BATCH
    out 0xf4, al
    jmp $

; ---- the batch: one trace after another ---------------------------------------------------------------
batch_loop:
    call current_descriptor
    jc batch_done
    mov dword [fs:ebx + DESC_STATUS], STATUS_STARTED
    mov eax, [fs:ebx + DESC_WINDOW]
    call switch_window                  ; continues in the trace's window, on a fresh stack
    call current_descriptor
    call load_commands
    call write_image
    call run_trace
    call save_results
    call read_back
    mov ebx, [cur_desc]
    mov dword [fs:ebx + DESC_STATUS], STATUS_DONE
    inc dword [fs:STAGING_BASE + HDR_NEXT]
    jmp batch_loop
batch_done:
    cmp dword [fs:STAGING_BASE + HDR_RESIDENT], 0
    jne wait_for_batch
    mov al, EXIT_OK
    out 0xf4, al
    jmp $

; A resident guest stays up for the driver's next batch: it says the batch is done with a byte to the
; debug console, and halts until the driver, once the next batch is in the staging area, injects an NMI.
; The NMI arrives through isr_common like any exception; an IRET then ends the blocking of further NMIs
; that its delivery began.
wait_for_batch:
    mov esp, KSTACK_TOP
    mov [resume_esp], esp
    mov dword [resume_fault], .woken
    mov al, EXIT_OK
    out DONE_PORT, al
.halt:
    hlt
    jmp .halt
.woken:
    mov dword [resume_fault], 0
    cmp dword [exc_vector], VECTOR_NMI
    jne fatal_exception
    push dword EFLAGS_BASE
    push dword SEL_KCODE
    push dword home_batch
    iret

; EBX = cur_desc = flat address of the descriptor of trace HDR_NEXT; CF set when every trace is done.
current_descriptor:
    mov ecx, [fs:STAGING_BASE + HDR_NEXT]
    cmp ecx, [fs:STAGING_BASE + HDR_COUNT]
    jae .none
    imul ebx, ecx, DESC_BYTES
    add ebx, [fs:STAGING_BASE + HDR_DESCRIPTORS]
    mov [cur_desc], ebx
    clc
    ret
.none:
    stc
    ret

; QEMU 7.2 reads paging structures above 4 GiB at their address modulo 4 GiB (known-deviations.ts). Such
; reads land in the first megabytes; zeroing what the firmware left in conventional memory makes them
; read not-present entries instead of firmware bytes, so QEMU faults cleanly rather than following
; garbage into the guest's own memory.
clear_low_memory:
    push es
    mov ax, SEL_KFLAT_DATA
    mov es, ax
    xor edi, edi
    xor eax, eax
    mov ecx, 0x9f000 / 4
    rep stosd
    pop es
    ret

; QMP's inject-nmi reaches a CPU with a local APIC through its LINT1 input, which is masked after reset:
; make it deliver NMIs (a resident guest's wake-up, wait_for_batch). IF stays 0, so no other interrupt
; the APIC could deliver is ever taken.
nmi_on_lint1:
    mov eax, LAPIC_BASE
    xor edx, edx
    call phys_pointer
    mov dword [fs:edi + LAPIC_SVR], 0x1ff           ; software-enabled, spurious vector 0xff
    mov dword [fs:edi + LAPIC_LVT_LINT1], 0x400     ; delivery mode NMI, not masked
    ret

reload_segments:
    mov ax, SEL_KDATA
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov ax, SEL_KFLAT_DATA
    mov fs, ax
    mov gs, ax
    ret

; ---- descriptor tables --------------------------------------------------------------------------------
; Every gate points into KCODE, whose base is the window base: gate offsets are body offsets, valid in
; every copy. INT 0x80 is the only gate user mode may use (DPL 3).
build_idt:
    xor ecx, ecx
.gate:
    mov eax, [isr_table + ecx * 4]
    mov edx, 0x8e00                     ; present, DPL 0, 32-bit interrupt gate
    call set_gate
    inc ecx
    cmp ecx, 32
    jb .gate
    mov ecx, 0x80
    mov eax, isr_user_return
    mov edx, 0xee00                     ; present, DPL 3, 32-bit interrupt gate
    call set_gate
    ret

; ECX = vector, EAX = handler offset, EDX = type/attribute word.
set_gate:
    mov [idt + ecx * 8], ax
    mov word [idt + ecx * 8 + 2], SEL_KCODE
    mov [idt + ecx * 8 + 4], dx
    shr eax, 16
    mov [idt + ecx * 8 + 6], ax
    ret

; Copies ECX dwords of code from ESI to EDI (flat, DS = ES = KFLAT_DATA) unless they are there already: a
; window keeps the copy a previous trace left there (nothing but the guest writes a window), and rewriting
; it, even with the same bytes, would make QEMU throw away the code it translated from the page and
; translate it again. Retranslating the guest for every change of window cost most of its time (with a
; large TLB, each new translation scans all of it).
copy_code:
    push esi
    push edi
    push ecx
    repe cmpsd
    pop ecx
    pop edi
    pop esi
    je .same
    rep movsd
.same:
    ret

; EDI = flat address of a segment descriptor, EAX = base.
set_descriptor_base:
    mov [fs:edi + 2], ax
    push eax
    shr eax, 16
    mov [fs:edi + 4], al
    mov [fs:edi + 7], ah
    pop eax
    ret

; ---- windows ------------------------------------------------------------------------------------------
; EAX = window base. Copies the body there (its code only if the window does not hold it already), re-bases
; KCODE, KDATA, UCODE and the TSS on it, loads the new GDT, IDT and TSS, builds the window's page table,
; and returns on the new copy's fresh stack.
; Paging is off or private (identity below 3 GiB), so flat addresses are physical.
switch_window:
    pop edx                             ; the return offset is the same in every copy
    cmp eax, [self_base]
    jne .copy
    push edx                            ; same window: keep the code QEMU has translated there
    jmp build_window_table
.copy:
    mov ebx, eax
    mov ebp, [self_base]
    mov ax, SEL_KFLAT_DATA
    mov ds, ax
    mov es, ax
    lea esi, [ebp + body_start]
    lea edi, [ebx + body_start]
    mov ecx, (data_start - body_start) / 4
    call copy_code
    lea esi, [ebp + data_start]
    lea edi, [ebx + data_start]
    mov ecx, (user_code_start - data_start) / 4
    rep movsd
    lea esi, [ebp + user_code_start]
    lea edi, [ebx + user_code_start]
    mov ecx, (body_end - user_code_start) / 4
    call copy_code
    mov [ebx + self_base], ebx
    mov eax, ebx
    lea edi, [ebx + gdt + SEL_KCODE]
    call set_descriptor_base
    lea edi, [ebx + gdt + SEL_KDATA]
    call set_descriptor_base
    lea edi, [ebx + gdt + (SEL_UCODE & ~3)]
    call set_descriptor_base
    lea eax, [ebx + tss]
    lea edi, [ebx + gdt + SEL_TSS]
    call set_descriptor_base
    mov byte [ebx + gdt + SEL_TSS + 5], 0x89 ; available: LTR refuses a busy TSS
    lea eax, [ebx + gdt]
    mov [ebx + gdt_ptr + 2], eax
    lea eax, [ebx + idt]
    mov [ebx + idt_ptr + 2], eax
    lgdt [ebx + gdt_ptr]
    jmp SEL_KCODE:.rebased
.rebased:
    mov ax, SEL_KDATA                   ; the old stack is in the old copy: switch SS and ESP together
    mov ss, ax
    mov esp, KSTACK_TOP
    call reload_segments
    lidt [idt_ptr]
    mov ax, SEL_TSS
    ltr ax
    push edx
    ; fall through

; The window's page tables, one per paging mode: every page below SLOT_OFFSET maps to itself; the user
; stubs, the user stack and the scratch page are user pages. Accessed and dirty are preset so QEMU never
; writes them. The PAE table (8-byte entries) covers the 2 MiB window; the 32-bit one (4-byte entries)
; covers the window's 4 MiB slot, of which the window is the lower or the upper half (pt32_first).
build_window_table:
    mov eax, [self_base]
    shr eax, 21
    and eax, 1
    shl eax, 9
    mov [pt32_first], eax               ; 32-bit page-table index of the window's first page
    mov edi, WINDOW_PT32_OFFSET         ; the other half of the 4 MiB slot is not present
    mov ecx, 1024
    xor eax, eax
    rep stosd
    xor ecx, ecx
.entry:
    mov edx, ecx
    shl edx, 12                         ; window offset of the page
    xor eax, eax
    cmp edx, SLOT_OFFSET
    jae .store
    mov eax, edx
    add eax, [self_base]
    or eax, PTE_P | PTE_RW | PTE_A | PTE_D
    cmp edx, user_code_start
    jb .not_code
    cmp edx, user_code_end
    jb .user
.not_code:
    cmp edx, USTACK_PAGE
    je .user
    cmp edx, SCRATCH_PAGE
    jne .store
.user:
    or eax, PTE_US
.store:
    mov [WINDOW_PT_OFFSET + ecx * 8], eax
    mov dword [WINDOW_PT_OFFSET + ecx * 8 + 4], 0
    mov edx, [pt32_first]
    add edx, ecx
    mov [WINDOW_PT32_OFFSET + edx * 4], eax
    inc ecx
    cmp ecx, 512
    jb .entry
    mov dword [next_slot], 0
    ret

; ---- private paging (between traces) ------------------------------------------------------------------
; Identity 2 MiB pages over [0, 3 GiB); the fourth quarter is a far window through which the guest
; reaches any physical address (phys_pointer).
build_private_tables:
    mov edi, PRIVATE_PDPT
    xor ecx, ecx
.pdpte:
    mov eax, ecx
    shl eax, 12
    add eax, PRIVATE_PD + PTE_P
    mov [fs:edi + ecx * 8], eax
    mov dword [fs:edi + ecx * 8 + 4], 0
    inc ecx
    cmp ecx, 4
    jb .pdpte
    mov edi, PRIVATE_PD
    xor ecx, ecx
.pde:
    xor eax, eax
    cmp ecx, 3 * 512
    jae .far
    mov eax, ecx
    shl eax, 21
    or eax, PTE_P | PTE_RW | PTE_A | PTE_D | PDE_PS
.far:
    mov [fs:edi + ecx * 8], eax
    mov dword [fs:edi + ecx * 8 + 4], 0
    inc ecx
    cmp ecx, 4 * 512
    jb .pde
    ret

private_paging_on:
    mov eax, CR4_PAE
    mov cr4, eax
    mov eax, PRIVATE_PDPT
    mov cr3, eax
    mov eax, CR0_PE | CR0_ET | CR0_PG
    mov cr0, eax
    jmp far_slots_flushed

; EDX:EAX = physical address; returns EDI = a flat linear address for it, valid up to the end of its
; 2 MiB region. Requires the private tables (or no paging, for addresses below LOW_RAM_TOP).
; A far region gets a fresh slot of the fourth quarter, never one the TLB may still hold, so no INVLPG
; is needed: QEMU turns an INVLPG inside a 2 MiB page into a flush of its whole TLB, which is slow. The
; slots are all flushed at once (a CR3 reload) when they run out. The last region mapped is reused.
phys_pointer:
    test edx, edx
    jnz .far
    cmp eax, LOW_RAM_TOP
    jae .far
    mov edi, eax
    ret
.far:
    push eax
    push ebx
    mov ebx, eax
    and ebx, 0xffe00000
    cmp ebx, [far_region_lo]
    jne .map
    cmp edx, [far_region_hi]
    jne .map
    cmp dword [far_slot], 0
    jne .mapped
.map:
    mov [far_region_lo], ebx
    mov [far_region_hi], edx
    cmp dword [far_slot], 512
    jb .slot
    mov ebx, cr3                        ; every slot used since the last flush: flush them all
    mov cr3, ebx
    mov dword [far_slot], 0
.slot:
    mov ebx, [far_slot]
    inc dword [far_slot]
    mov edi, eax
    and edi, 0xffe00000
    or edi, PTE_P | PTE_RW | PTE_A | PTE_D | PDE_PS
    mov [fs:PRIVATE_PD + 3 * 4096 + ebx * 8], edi
    mov [fs:PRIVATE_PD + 3 * 4096 + ebx * 8 + 4], edx
.mapped:
    mov edi, [far_slot]
    dec edi
    shl edi, 21
    add edi, 0xc0000000
    and eax, 0x1fffff
    add edi, eax
    pop ebx
    pop eax
    ret

; Forgets the far slots: after a full TLB flush (a change of CR0.PG or CR3) every slot is fresh again.
far_slots_flushed:
    mov dword [far_slot], 0
    mov dword [far_region_lo], 0
    mov dword [far_region_hi], 0xffffffff
    ret

; ---- before and after a trace -------------------------------------------------------------------------
load_commands:
    mov ebx, [cur_desc]
    mov ecx, [fs:ebx + DESC_STEPS]
    mov [step_count], ecx
    mov esi, [fs:ebx + DESC_COMMANDS]
    mov edi, [self_base]
    add edi, CMD_OFFSET
    push ecx
    shl ecx, 3                          ; 32-byte commands, in dwords
    push es
    mov ax, SEL_KFLAT_DATA
    mov es, ax
    push ds
    mov ds, ax
    rep movsd
    pop ds
    pop es
    pop ecx                             ; results start as "never ran"
    shl ecx, 2
    mov edi, RESULT_OFFSET
    xor eax, eax
    rep stosd
    ret

write_image:
    mov ebx, [cur_desc]
    mov ecx, [fs:ebx + DESC_IMAGE_COUNT]
    mov esi, [fs:ebx + DESC_IMAGE]
.word:
    test ecx, ecx
    jz .done
    mov eax, [fs:esi]
    mov edx, [fs:esi + 4]
    call phys_pointer
    mov eax, [fs:esi + 8]
    mov [fs:edi], eax
    mov eax, [fs:esi + 12]
    mov [fs:edi + 4], eax
    add esi, WORD_RECORD_BYTES
    dec ecx
    jmp .word
.done:
    ret

save_results:
    mov ebx, [cur_desc]
    mov ecx, [fs:ebx + DESC_STEPS]
    shl ecx, 2
    mov edi, [fs:ebx + DESC_RESULTS]
    mov esi, [self_base]
    add esi, RESULT_OFFSET
    push es
    push ds
    mov ax, SEL_KFLAT_DATA
    mov es, ax
    mov ds, ax
    rep movsd
    pop ds
    pop es
    ret

; Appends the nonzero words of every listed page to the output area and zeroes them. The page is read 32
; bytes at a time with plain 32-bit loads (most of it is zero), and only a nonzero block is looked at word
; by word and zeroed. (MMX would take fewer loads, but QEMU calls a helper for every MMX instruction.)
read_back:
    mov ebx, [cur_desc]
    mov eax, [fs:STAGING_BASE + HDR_OUT_CURSOR]
    mov [fs:ebx + DESC_OUT], eax
    mov dword [fs:ebx + DESC_OUT_COUNT], 0
    mov eax, [fs:ebx + DESC_PAGE_COUNT]
    mov [pages_left], eax
    mov eax, [fs:ebx + DESC_PAGES]
    mov [page_record], eax
.page:
    cmp dword [pages_left], 0
    je .done
    mov esi, [page_record]
    mov eax, [fs:esi]
    mov edx, [fs:esi + 4]
    mov [page_lo], eax
    mov [page_hi], edx
    call phys_pointer
    xor ecx, ecx                        ; word index, 4 words per block
.block:
    mov eax, [fs:edi + ecx * 8]
    or eax, [fs:edi + ecx * 8 + 4]
    or eax, [fs:edi + ecx * 8 + 8]
    or eax, [fs:edi + ecx * 8 + 12]
    or eax, [fs:edi + ecx * 8 + 16]
    or eax, [fs:edi + ecx * 8 + 20]
    or eax, [fs:edi + ecx * 8 + 24]
    or eax, [fs:edi + ecx * 8 + 28]
    jz .next_block
    call emit_block
    xor eax, eax                        ; zero the block (a zero block is left alone: writing it
    mov [fs:edi + ecx * 8], eax         ; would cost QEMU a host page for every page never touched)
    mov [fs:edi + ecx * 8 + 4], eax
    mov [fs:edi + ecx * 8 + 8], eax
    mov [fs:edi + ecx * 8 + 12], eax
    mov [fs:edi + ecx * 8 + 16], eax
    mov [fs:edi + ecx * 8 + 20], eax
    mov [fs:edi + ecx * 8 + 24], eax
    mov [fs:edi + ecx * 8 + 28], eax
.next_block:
    add ecx, 4
    cmp ecx, 512
    jb .block
    add dword [page_record], PAGE_RECORD_BYTES
    dec dword [pages_left]
    jmp .page
.done:
    ret

; Appends the nonzero words among words ECX..ECX+3 of the page at EDI (flat) to the output area.
emit_block:
    push ecx
    mov edx, 4
.word:
    mov eax, [fs:edi + ecx * 8]
    or eax, [fs:edi + ecx * 8 + 4]
    jz .next
    mov esi, [fs:STAGING_BASE + HDR_OUT_CURSOR]
    cmp esi, [fs:STAGING_BASE + HDR_OUT_END]
    jae output_full
    lea eax, [ecx * 8]
    add eax, [page_lo]
    mov [fs:esi], eax
    mov eax, [page_hi]
    mov [fs:esi + 4], eax
    mov eax, [fs:edi + ecx * 8]
    mov [fs:esi + 8], eax
    mov eax, [fs:edi + ecx * 8 + 4]
    mov [fs:esi + 12], eax
    add dword [fs:STAGING_BASE + HDR_OUT_CURSOR], WORD_RECORD_BYTES
    mov eax, [cur_desc]
    inc dword [fs:eax + DESC_OUT_COUNT]
.next:
    inc ecx
    dec edx
    jnz .word
    pop ecx
    ret

output_full:
    mov dword [fs:STAGING_BASE + HDR_FATAL], 0x200
    mov al, EXIT_FATAL
    out 0xf4, al
    jmp $

; ---- running a trace ----------------------------------------------------------------------------------
run_trace:
    pop dword [trace_return]
    mov eax, cr0                        ; leave private paging; the window is identity-mapped
    and eax, ~CR0_PG
    mov cr0, eax
    mov [resume_esp], esp
    mov dword [resume_fault], init_fault
    mov ebx, [cur_desc]
    mov ecx, MSR_EFER
    mov eax, [fs:ebx + DESC_EFER]
    xor edx, edx
    wrmsr
    mov eax, [fs:ebx + DESC_CR4]
    mov cr4, eax
    mov eax, [fs:ebx + DESC_CR3]
    mov cr3, eax
    mov eax, [fs:ebx + DESC_CR0]
    call cr0_value
    mov cr0, eax
    mov dword [step_index], 0
    jmp next_step

init_fault:
    mov ebx, [cur_desc]
    mov eax, [exc_vector]
    or eax, 0x100
    mov [fs:ebx + DESC_INIT_FAULT], eax
    jmp trace_done

; The machine needs protected mode (PE) under paging and MMX for 8-byte accesses (EM = TS = 0); the
; specification looks at PG and WP only, so these bits change nothing it checks.
cr0_value:
    or eax, CR0_PE | CR0_ET
    and eax, ~(CR0_EM | CR0_TS)
    ret

trace_done:
    mov esp, KSTACK_TOP
    mov dword [resume_fault], 0
    mov eax, cr0
    and eax, ~CR0_PG
    mov cr0, eax
    mov ecx, MSR_EFER
    xor eax, eax
    xor edx, edx
    wrmsr
    call private_paging_on
    jmp [trace_return]

; Every way back here (a step's end, or an exception handler) leaves the kernel's segments loaded.
next_step:
    mov esp, KSTACK_TOP
    mov ecx, [step_index]
    cmp ecx, [step_count]
    jae trace_done
    mov ebp, ecx
    shl ebp, 5
    add ebp, CMD_OFFSET                 ; the command (DS-relative)
    mov edi, ecx
    shl edi, 4
    add edi, RESULT_OFFSET
    mov [cur_result], edi
    mov dword [resume_fault], step_fault
    movzx eax, byte [ebp + CMD_OP]
    cmp eax, (op_table_end - op_table) / 4
    jae bad_command
    jmp [op_table + eax * 4]

step_end:
    mov dword [resume_fault], 0
    inc dword [step_index]
    jmp next_step

record_done:
    mov edi, [cur_result]
    mov dword [edi + RES_STATUS], KIND_DONE
    jmp step_end

; EDX:EAX = the value read.
record_value:
    mov edi, [cur_result]
    mov [edi + RES_LO], eax
    mov [edi + RES_HI], edx
    mov dword [edi + RES_STATUS], KIND_VALUE
    jmp step_end

; The default continuation of an exception during a step: it is the step's observation.
step_fault:
    mov edi, [cur_result]
    mov eax, [exc_vector]
    shl eax, 8
    or eax, KIND_EXCEPTION
    mov [edi + RES_STATUS], eax
    mov eax, [exc_error]
    mov [edi + RES_LO], eax
    mov eax, [exc_cr2]
    mov [edi + RES_HI], eax
    mov eax, [exc_eip]
    mov [edi + RES_EXTRA], eax
    jmp step_end

bad_command:
    mov dword [fs:STAGING_BASE + HDR_FATAL], 0x300
    mov al, EXIT_FATAL
    out 0xf4, al
    jmp $

op_table:
    dd bad_command, op_load, op_store, op_fetch, op_mov_cr0, op_mov_cr3, op_mov_cr4, op_invlpg, op_write_phys
op_table_end equ op_table + 9 * 4

; Supervisor accesses run inline (kernel_access); user accesses run a stub in user mode (run_stub).
op_load:
    mov esi, [ebp + CMD_A]
    movzx ebx, byte [ebp + CMD_SIZE]
    cmp byte [ebp + CMD_USER], 0
    jne .user
    mov ebx, [kernel_loads + ebx * 4]
    call kernel_access
    jmp record_value
.user:
    mov ebx, [load_stubs + ebx * 4]
    call run_stub
    jmp record_value

op_store:
    mov esi, [ebp + CMD_A]
    mov eax, [ebp + CMD_LO]
    mov edx, [ebp + CMD_HI]
    movzx ebx, byte [ebp + CMD_SIZE]
    cmp byte [ebp + CMD_USER], 0
    jne .user
    mov ebx, [kernel_stores + ebx * 4]
    call kernel_access
    jmp record_done
.user:
    mov ebx, [store_stubs + ebx * 4]
    call run_stub
    jmp record_done

; EBX = one of the kernel access routines below; an exception continues at [resume_fault].
kernel_access:
    mov [resume_esp], esp
    jmp ebx

kernel_load1:
    movzx eax, byte [fs:esi]
    xor edx, edx
    ret
kernel_load2:
    movzx eax, word [fs:esi]
    xor edx, edx
    ret
kernel_load4:
    mov eax, [fs:esi]
    xor edx, edx
    ret
kernel_load8:
    movq mm0, [fs:esi]                  ; one 8-byte access, as the trace asks
    movd eax, mm0
    psrlq mm0, 32
    movd edx, mm0
    ret
kernel_store1:
    mov [fs:esi], al
    ret
kernel_store2:
    mov [fs:esi], ax
    ret
kernel_store4:
    mov [fs:esi], eax
    ret
kernel_store8:
    movd mm0, eax
    movd mm1, edx
    punpckldq mm0, mm1
    movq [fs:esi], mm0
    ret

op_mov_cr0:
    mov eax, [ebp + CMD_A]
    call cr0_value
    mov cr0, eax
    jmp record_done

op_mov_cr3:
    mov eax, [ebp + CMD_A]
    mov cr3, eax
    jmp record_done

op_mov_cr4:
    mov eax, [ebp + CMD_A]
    mov cr4, eax
    jmp record_done

op_invlpg:
    mov esi, [ebp + CMD_A]
    invlpg [fs:esi]
    jmp record_done

; A physical write bypasses translation and the TLB (a kernel editing page tables). With paging on it
; goes through a page-table slot of the window that no TLB entry can hold yet (slots are used once per
; trace, and every trace starts with an empty TLB), so it needs no invalidation that the trace did not ask
; for. Under 32-bit paging a slot (a 4-byte PTE) reaches only the first 4 GiB; a write above goes the way
; of a write with paging off, and the paging off and on again flushes the TLB, which the architecture
; allows at any time (SDM 4.10.4.4). With paging off it is a plain write, through the private tables
; above 3 GiB.
op_write_phys:
    mov eax, [ebp + CMD_LO]
    mov edx, [ebp + CMD_HI]
    mov ecx, cr0
    test ecx, CR0_PG
    jz .unpaged
    mov ecx, cr4
    test ecx, CR4_PAE
    jnz .paged
    test edx, edx
    jnz .far
.paged:
    mov ebx, [next_slot]
    cmp ebx, SLOT_COUNT
    jb .slot
    call recycle_slots
    xor ebx, ebx
.slot:
    inc dword [next_slot]
    add ebx, SLOT_OFFSET / 4096         ; page-table index of the slot
    mov ecx, eax
    and ecx, 0xfffff000
    or ecx, PTE_P | PTE_RW | PTE_A | PTE_D
    mov [WINDOW_PT_OFFSET + ebx * 8], ecx
    mov [WINDOW_PT_OFFSET + ebx * 8 + 4], edx
    push ebx
    add ebx, [pt32_first]
    mov [WINDOW_PT32_OFFSET + ebx * 4], ecx
    pop ebx
    shl ebx, 12
    and eax, 0xfff
    add ebx, eax                        ; window offset of the word
    mov eax, [ebp + CMD_WLO]
    mov [ebx], eax
    mov eax, [ebp + CMD_WHI]
    mov [ebx + 4], eax
    jmp record_done
.unpaged:
    test edx, edx
    jnz .far
    cmp eax, LOW_RAM_TOP
    jae .far
    mov ecx, [ebp + CMD_WLO]
    mov [fs:eax], ecx
    mov ecx, [ebp + CMD_WHI]
    mov [fs:eax + 4], ecx
    jmp record_done
.far:
    ; Paging is off (or turned off) for the trace, so borrowing the private tables for one write is
    ; invisible to it: the next time paging comes on, the TLB starts empty (SDM 4.10.4.1).
    mov ecx, cr0
    push ecx
    and ecx, ~CR0_PG
    mov cr0, ecx
    mov ecx, cr3
    push ecx
    mov ecx, cr4
    push ecx
    mov ecx, CR4_PAE
    mov cr4, ecx
    mov ecx, PRIVATE_PDPT
    mov cr3, ecx
    mov ecx, cr0
    or ecx, CR0_PG
    mov cr0, ecx
    push eax
    call far_slots_flushed
    pop eax
    call phys_pointer
    mov ecx, [ebp + CMD_WLO]
    mov [fs:edi], ecx
    mov ecx, [ebp + CMD_WHI]
    mov [fs:edi + 4], ecx
    mov ecx, cr0
    and ecx, ~CR0_PG
    mov cr0, ecx
    pop ecx
    mov cr4, ecx
    pop ecx
    mov cr3, ecx
    pop ecx
    mov cr0, ecx
    jmp record_done

recycle_slots:
    xor ecx, ecx
.slot:
    mov eax, ecx
    shl eax, 12
    invlpg [SLOT_OFFSET + eax]
    inc ecx
    cmp ecx, SLOT_COUNT
    jb .slot
    mov dword [next_slot], 0
    ret

; ---- fetches ------------------------------------------------------------------------------------------
; An instruction fetch cannot be asked of the processor without executing what it fetches, and the
; fetched bytes are the trace's data. So a fetch of page P is probed at a byte of P that is known to be
; a harmless instruction (safe_table): the guest first reads P as data, at the access's privilege level,
; to find one, then jumps there with EFLAGS.TF set. The single-step trap (#DB) says the fetch went
; through; a #PF is the fetch's own fault. The translation, the rights checked, the accessed bits and the
; TLB entry are those of P whatever byte of P is probed; only CR2 differs, and the driver maps the probe
; address back to the piece's first byte (SDM 4.7). If reading P faults, P cannot be fetched either (no
; page is execute-only under PAE), so the piece itself is probed: its fetch faults before anything runs.
; The value is then read with a load at the same privilege level, through the TLB entry the fetch used.
op_fetch:
    mov eax, cr0
    test eax, CR0_PG
    jz op_load                          ; no paging, no fetch rights: a fetch reads like a load
    mov esi, [ebp + CMD_A]
    call probe_piece
    test eax, eax
    jnz step_end
    mov esi, [ebp + CMD_A]
    mov eax, esi
    and eax, 0xfff
    movzx ecx, byte [ebp + CMD_SIZE]
    add eax, ecx
    cmp eax, 0x1000
    jbe op_load
    or esi, 0xfff                       ; the fetch straddles: probe the next page too
    inc esi
    call probe_piece
    test eax, eax
    jnz step_end
    jmp op_load

; ESI = first byte of the piece. Returns EAX = 0 when the fetch went through, 1 when the result is recorded.
probe_piece:
    mov [piece_va], esi
    mov eax, esi
    and eax, 0xfffff000
    mov [piece_page], eax
    mov ecx, esi
    and ecx, 0xfff
    mov esi, eax
    mov edi, [self_base]
    add edi, safe_table
    mov dword [resume_fault], .unreadable
    mov ebx, stub_scan
    call run_stub
    cmp eax, -1
    je .unprobeable
    add eax, [piece_page]
    jmp .probe
.unreadable:
    mov eax, [piece_va]
.probe:
    mov [probe_target], eax
    mov dword [resume_fault], .probe_end
    mov [resume_esp], esp
    mov ecx, [self_base]
    add ecx, SCRATCH_PAGE               ; "add [eax], al" (bytes 00 00) writes the scratch page
    cmp byte [ebp + CMD_USER], 0
    jne .user
    sub esp, 512                        ; a push or pop of the probed instruction must not reach our frame
    push dword EFLAGS_BASE | EFLAGS_TF
    push dword SEL_KFLAT_CODE
    push eax
    mov eax, ecx
    mov cx, SEL_KFLAT_DATA
    mov ds, cx
    mov es, cx
    iret
.user:
    mov edx, [self_base]
    add edx, USTACK_TOP
    push dword SEL_UFLAT_DATA
    push edx
    push dword EFLAGS_BASE | EFLAGS_TF
    push dword SEL_UFLAT_CODE
    push eax
    mov eax, ecx
    mov cx, SEL_UFLAT_DATA
    mov ds, cx
    mov es, cx
    iret
.probe_end:
    mov dword [resume_fault], step_fault
    mov ebp, [step_index]               ; the probed instruction may have changed any register
    shl ebp, 5
    add ebp, CMD_OFFSET
    mov eax, [exc_vector]
    cmp eax, VECTOR_DB
    je .passed
    mov edi, [cur_result]
    shl eax, 8
    or eax, KIND_PROBE_EXCEPTION
    mov [edi + RES_STATUS], eax
    mov eax, [exc_error]
    mov [edi + RES_LO], eax
    mov eax, [exc_cr2]
    mov [edi + RES_HI], eax
    mov eax, [probe_target]
    mov [edi + RES_EXTRA], eax
    mov eax, 1
    ret
.passed:
    xor eax, eax
    ret
.unprobeable:
    mov dword [resume_fault], step_fault
    mov edi, [cur_result]
    mov dword [edi + RES_STATUS], KIND_UNPROBEABLE
    mov eax, [piece_va]
    mov [edi + RES_EXTRA], eax
    mov eax, 1
    ret

; ---- running an access stub ---------------------------------------------------------------------------
; EBX = stub offset; ESI, EAX, EDX, ECX, EDI are the stub's inputs. Runs the stub at the privilege level
; the current command asks for and returns with its EDX:EAX, or continues at [resume_fault] if it faults.
run_stub:
    pop dword [resume_ok]
    mov [resume_esp], esp
    cmp byte [ebp + CMD_USER], 0
    jne .user
    push eax
    mov ax, SEL_KFLAT_DATA
    mov ds, ax
    mov es, ax
    pop eax
    jmp ebx
.user:
    push eax
    mov eax, [self_base]
    add eax, USTACK_TOP
    push dword SEL_UFLAT_DATA
    push eax
    push dword EFLAGS_BASE
    push dword SEL_UCODE
    push ebx
    mov eax, [esp + 20]
    push ecx
    mov cx, SEL_UFLAT_DATA
    mov ds, cx
    mov es, cx
    pop ecx
    iret

; ---- exceptions ---------------------------------------------------------------------------------------
%macro ISR_NO_ERROR 1
isr_%1:
    push dword 0
    push dword %1
    jmp isr_common
%endmacro
%macro ISR_ERROR 1
isr_%1:
    push dword %1
    jmp isr_common
%endmacro

ISR_NO_ERROR 0
ISR_NO_ERROR 1
ISR_NO_ERROR 2
ISR_NO_ERROR 3
ISR_NO_ERROR 4
ISR_NO_ERROR 5
ISR_NO_ERROR 6
ISR_NO_ERROR 7
ISR_ERROR 8
ISR_NO_ERROR 9
ISR_ERROR 10
ISR_ERROR 11
ISR_ERROR 12
ISR_ERROR 13
ISR_ERROR 14
ISR_NO_ERROR 15
ISR_NO_ERROR 16
ISR_ERROR 17
ISR_NO_ERROR 18
ISR_NO_ERROR 19
ISR_NO_ERROR 20
ISR_ERROR 21
ISR_NO_ERROR 22
ISR_NO_ERROR 23
ISR_NO_ERROR 24
ISR_NO_ERROR 25
ISR_NO_ERROR 26
ISR_NO_ERROR 27
ISR_NO_ERROR 28
ISR_ERROR 29
ISR_ERROR 30
ISR_NO_ERROR 31

isr_table:
%assign v 0
%rep 32
    dd isr_ %+ v
%assign v v + 1
%endrep

; Stack: vector, error code, EIP, CS, EFLAGS (and ESP, SS from user mode). SS is KDATA either way.
isr_common:
    call reload_segments
    mov eax, [esp]
    mov [exc_vector], eax
    mov eax, [esp + 4]
    mov [exc_error], eax
    mov eax, [esp + 8]
    mov [exc_eip], eax
    mov eax, cr2
    mov [exc_cr2], eax
    mov eax, [resume_fault]
    test eax, eax
    jz fatal_exception
    mov esp, [resume_esp]
    jmp eax

; INT 0x80: a stub finished; EDX:EAX is its answer.
isr_user_return:
    mov [ss:ret_eax], eax
    mov [ss:ret_edx], edx
    call reload_segments
    mov esp, [resume_esp]
    mov eax, [ret_eax]
    mov edx, [ret_edx]
    jmp [resume_ok]

fatal_exception:
    mov eax, [exc_vector]
    or eax, 0x100
    mov [fs:STAGING_BASE + HDR_FATAL], eax
    mov eax, [exc_eip]
    mov [fs:STAGING_BASE + HDR_FATAL_EIP], eax
    mov al, EXIT_FATAL
    out 0xf4, al
    jmp $

; ---- data ---------------------------------------------------------------------------------------------
; Data never shares a page with code: QEMU treats a write to a page it has translated code from as
; self-modifying code and throws the translations away, which would cost a retranslation per step.
align 4096
data_start:
gdt:
    dq 0
    ; limit 0xfffff (4 KiB granularity), 32-bit; KCODE, KDATA and UCODE are re-based on each window
%macro DESCRIPTOR 2                     ; base, access byte
    dw 0xffff
    dw (%1) & 0xffff
    db ((%1) >> 16) & 0xff
    db %2
    db 0xcf
    db ((%1) >> 24) & 0xff
%endmacro
    DESCRIPTOR HOME_BASE, 0x9a          ; 0x08 KCODE
    DESCRIPTOR HOME_BASE, 0x92          ; 0x10 KDATA
    DESCRIPTOR 0, 0x9a                  ; 0x18 KFLAT_CODE
    DESCRIPTOR 0, 0x92                  ; 0x20 KFLAT_DATA
    DESCRIPTOR HOME_BASE, 0xfa          ; 0x28 UCODE (DPL 3)
    DESCRIPTOR 0, 0xf2                  ; 0x30 UFLAT_DATA (DPL 3)
    DESCRIPTOR 0, 0xfa                  ; 0x38 UFLAT_CODE (DPL 3)
    dw tss_end - tss - 1                ; 0x40 TSS (base set by switch_window)
    dw 0
    db 0
    db 0x89
    db 0x00
    db 0
gdt_end:

gdt_ptr:
    dw gdt_end - gdt - 1
    dd HOME_BASE + gdt
idt_ptr:
    dw 0x81 * 8 - 1
    dd HOME_BASE + idt

align 4
tss:
    dd 0                                ; previous task link
    dd TRAP_STACK_TOP                   ; ESP0 (relative to SS0, whose base is the window): not the
                                        ; kernel stack, whose frames are live while user mode runs
    dd SEL_KDATA                        ; SS0
    times 22 dd 0
    dw 0                                ; trap
    dw tss_end - tss                    ; I/O map base beyond the limit: no I/O from user mode
tss_end:

kernel_loads:
    dd bad_command, kernel_load1, kernel_load2, bad_command, kernel_load4, bad_command, bad_command, bad_command, kernel_load8
kernel_stores:
    dd bad_command, kernel_store1, kernel_store2, bad_command, kernel_store4, bad_command, bad_command, bad_command, kernel_store8
load_stubs:
    dd bad_command, stub_load1, stub_load2, bad_command, stub_load4, bad_command, bad_command, bad_command, stub_load8
store_stubs:
    dd bad_command, stub_store1, stub_store2, bad_command, stub_store4, bad_command, bad_command, bad_command, stub_store8

align 4
self_base:      dd 0
cur_desc:       dd 0
cur_result:     dd 0
step_index:     dd 0
step_count:     dd 0
trace_return:   dd 0
resume_esp:     dd 0
resume_fault:   dd 0
resume_ok:      dd 0
exc_vector:     dd 0
exc_error:      dd 0
exc_eip:        dd 0
exc_cr2:        dd 0
ret_eax:        dd 0
ret_edx:        dd 0
next_slot:      dd 0
pt32_first:     dd 0
far_slot:       dd 0
far_region_lo:  dd 0
far_region_hi:  dd 0xffffffff
piece_va:       dd 0
piece_page:     dd 0
probe_target:   dd 0
pages_left:     dd 0
page_record:    dd 0
page_lo:        dd 0
page_hi:        dd 0

align 8
idt:
    times 0x81 dq 0

; ---- user-mode code: the only pages of the window user mode may execute ---------------------------------
; Stubs run at CPL 3 (through IRET) or at CPL 0 (through a near jump), with DS and ES flat; each ends
; with INT 0x80, whose handler resumes the kernel.
align 4096
user_code_start:
stub_load1:
    movzx eax, byte [esi]
    xor edx, edx
    int 0x80
stub_load2:
    movzx eax, word [esi]
    xor edx, edx
    int 0x80
stub_load4:
    mov eax, [esi]
    xor edx, edx
    int 0x80
stub_load8:
    movq mm0, [esi]                     ; one 8-byte access, as the trace asks
    movd eax, mm0
    psrlq mm0, 32
    movd edx, mm0
    int 0x80
stub_store1:
    mov [esi], al
    int 0x80
stub_store2:
    mov [esi], ax
    int 0x80
stub_store4:
    mov [esi], eax
    int 0x80
stub_store8:
    movd mm0, eax
    movd mm1, edx
    punpckldq mm0, mm1
    movq [esi], mm0
    int 0x80

; ESI = page, ECX = offset to start at, EDI = flat address of safe_table. Returns EAX = the offset of a
; safe probe point in the page, or -1.
stub_scan:
    mov edx, ecx
    mov ecx, 4096
.byte:
    movzx eax, byte [esi + edx]
    movzx eax, byte [edi + eax]
    cmp eax, 1
    je .found
    cmp eax, 2
    jne .next
    cmp edx, 4095
    jae .next
    cmp byte [esi + edx + 1], 0
    je .found
.next:
    inc edx
    and edx, 4095
    dec ecx
    jnz .byte
    mov eax, -1
    int 0x80
.found:
    mov eax, edx
    int 0x80

; Instructions that touch nothing but registers, the flags and the stack at ESP, whatever the CPL:
; 1 = the byte is a whole instruction; 2 = 00 00, "add [eax], al", safe when the next byte is 0 too
; (EAX points at the scratch page). Left out: pop esp (0x5c) and xchg esp, eax (0x94), which would move
; the stack the single-step trap is delivered on.
safe_table:
%assign b 0
%rep 256
  %if b == 0
    db 2
  %elif b == 0x27 || b == 0x2f || b == 0x37 || b == 0x3f
    db 1
  %elif b >= 0x40 && b <= 0x5b
    db 1
  %elif b >= 0x5d && b <= 0x5f
    db 1
  %elif (b >= 0x90 && b <= 0x99 && b != 0x94) || b == 0x9e || b == 0x9f
    db 1
  %elif b == 0xf5 || b == 0xf8 || b == 0xf9
    db 1
  %else
    db 0
  %endif
%assign b b + 1
%endrep
align 4096
user_code_end:

body_end:
%if body_end - body_start > BODY_SIZE
  %error "the guest body does not fit BODY_SIZE"
%endif
