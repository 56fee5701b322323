{
  "app": "python main.py",
  "language": "python",
  "output": "cdktf.out",
  "projectId": "$project_id",
  "sendCrashReports": "false",
  "terraformModules": [],
  "terraformProviders": []
}
