// PCI and PCI Express capability structures written as C by hand from the register maps of the
// PCI Local Bus spec 3.0 (6.7, 6.8), the PCI Power Management spec 1.2 and the PCI Express Base
// spec (7.5.3, 7.8, 9.3.3), with the offsets Linux's include/uapi/linux/pci_regs.h names:
// NOT derived from src/pci's field tables. Field names are pcicfg's; widths and places are the
// specs'. Structures sized at run time (the ACS egress vector, VSEC bodies) are left out.
export const PCI_CAP_STRUCTS = `
struct pci_cap_header { u8 cap_id; u8 cap_next; };
struct pci_vendor_cap { u8 cap_vndr; u8 cap_next; u8 cap_len; };
struct pci_pm_cap { u8 cap_id; u8 cap_next; le16 pmc; le16 pmcsr; u8 pmcsr_bse; u8 data; };
struct pci_msi_cap32 { u8 cap_id; u8 cap_next; le16 message_control; le32 message_address; le16 message_data; };
struct pci_msi_cap32_mask {
  u8 cap_id; u8 cap_next; le16 message_control; le32 message_address; le16 message_data;
  le16 ext_message_data; le32 mask_bits; le32 pending_bits;
};
struct pci_msi_cap64 {
  u8 cap_id; u8 cap_next; le16 message_control; le32 message_address; le32 message_upper_address;
  le16 message_data;
};
struct pci_msi_cap64_mask {
  u8 cap_id; u8 cap_next; le16 message_control; le32 message_address; le32 message_upper_address;
  le16 message_data; le16 ext_message_data; le32 mask_bits; le32 pending_bits;
};
struct pci_msix_entry { le32 lower_address; le32 upper_address; le32 message_data; le32 vector_control; };
struct pci_exp_cap {
  u8 cap_id; u8 cap_next; le16 flags;
  le32 devcap; le16 devctl; le16 devsta;
  le32 lnkcap; le16 lnkctl; le16 lnksta;
  le32 sltcap; le16 sltctl; le16 sltsta;
  le16 rtctl; le16 rtcap; le32 rtsta;
  le32 devcap2; le16 devctl2; le16 devsta2;
  le32 lnkcap2; le16 lnkctl2; le16 lnksta2;
  le32 sltcap2; le16 sltctl2; le16 sltsta2;
};
struct pci_ext_cap_header { le32 header; };
struct pci_aer_cap {
  le32 header; le32 uncor_status; le32 uncor_mask; le32 uncor_sever; le32 cor_status; le32 cor_mask;
  le32 cap_ctrl; u8 header_log[16]; le32 root_command; le32 root_status; le32 error_source;
  u8 tlp_prefix_log[16];
};
struct pci_sriov_cap {
  le32 header; le32 sriov_cap; le16 sriov_ctrl; le16 sriov_status;
  le16 initial_vfs; le16 total_vfs; le16 num_vfs; u8 func_dep_link; u8 reserved0[1];
  le16 vf_offset; le16 vf_stride; u8 reserved1[2]; le16 vf_device_id;
  le32 supported_page_sizes; le32 system_page_size;
  le32 vf_bar0; le32 vf_bar1; le32 vf_bar2; le32 vf_bar3; le32 vf_bar4; le32 vf_bar5;
  le32 vf_migration_state;
};
struct pci_dsn_cap { le32 header; le64 serial_number; };
struct pci_ari_cap { le32 header; le16 ari_cap; le16 ari_ctrl; };
struct pci_ats_cap { le32 header; le16 ats_cap; le16 ats_ctrl; };
struct pci_ltr_cap { le32 header; le16 max_snoop_latency; le16 max_no_snoop_latency; };
struct pci_l1ss_cap { le32 header; le32 l1ss_cap; le32 l1ss_ctl1; le32 l1ss_ctl2; };
struct pci_acs_cap { le32 header; le16 acs_cap; le16 acs_ctrl; };
struct pci_vsec_cap { le32 header; le32 vsec_header; };
struct pci_dvsec_cap { le32 header; le32 dvsec_header1; le16 dvsec_header2; };
struct pci_rebar_entry { le32 rebar_cap; le32 rebar_ctrl; };
`;
