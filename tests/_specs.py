"""Custom accelerator specs shared by the tests: a complete one near the export thresholds."""

H20_LIKE = """\
- id: my-h20-like
  name: H20-like test part
  vendor: Test
  designer_country: US
  dense_tflops: {fp8: 296, bf16: 148}
  memory_bandwidth_tbps: 4.0
  interconnect_gbps: 900
  die_area_mm2: 814
  datacenter: true
  source: [swkelly-chipdata]
"""
