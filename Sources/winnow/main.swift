import WinnowCore
print(WinnowCore.version)
