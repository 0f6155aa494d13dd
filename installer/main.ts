// nodekube <command>: the installer CLI. Commands land with the installer issue.
process.stderr.write('usage: nodekube <up|down|validate|status|kubeconfig|ssh|logs|load-image|add-node|remove-node>\n');
process.exitCode = 2;
